package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.train.TrainerState;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show one checkpoint: files, chunks, variables and trainer state.")
final class InspectCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @ArgGroup(exclusive = true, multiplicity = "1")
    CheckpointSelection selection;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    InspectCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            Manifest manifest = repository.checkpoint(opened, selection.step());
            if (json) {
                JsonPrinter.print(console.out(), JsonDocuments.CheckpointDetails.of(manifest));
                return CairnCommand.OK;
            }
            PrintStream err = console.err();
            err.printf(Locale.ROOT, "Run %s step %d (epoch %d), %s, created %s, %d bytes%n", manifest.run(), manifest.step(), Epochs.takenIn(manifest), manifest.kind(), manifest.createdAt(), manifest.bytes());
            manifest.initFromIfPresent().ifPresent(parent -> err.println("Fine-tuned from: " + parent + " (the run started from that checkpoint's weights)"));
            err.println("Model: " + manifest.model().description() + " (signature " + manifest.model().signature().substring(0, 12) + ")");
            err.println("Metrics: " + manifest.metrics());
            err.println("Files:");
            for (Manifest.FileEntry file : manifest.files()) {
                err.printf(Locale.ROOT, "  %-45s %12d  sha256 %s  %d chunk(s)%n", file.path(), file.size(), file.sha256(), file.chunks().size());
            }
            err.println("Variables:");
            for (Manifest.VariableEntry variable : manifest.variables()) {
                err.printf(Locale.ROOT, "  %-30s %-6s %-14s %s%n", variable.name(), variable.dtype(), variable.shape().toString(), variable.role());
            }
            if (manifest.trainerState() != null) {
                TrainerState state = manifest.trainerState();
                err.printf(Locale.ROOT, "Trainer state: step %d, %d epoch(s) and %d batch(es) done; data: %d samples, batch %d, seed %d, %s%n",
                        state.step(), state.epoch(), state.batchInEpoch(), state.datasetSize(), state.batchSize(), state.seed(), state.shuffle() ? "shuffled" : "in order");
                if (!state.epochMetrics().isEmpty()) {
                    err.println("  running epoch metrics: " + state.epochMetrics());
                }
                if (!state.policyState().isEmpty()) {
                    err.println("  save policy state: " + state.policyState());
                }
            }
            return CairnCommand.OK;
        }
    }
}
