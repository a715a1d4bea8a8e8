package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the committed checkpoints, by run then step.")
final class LsCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    LsCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            List<Manifest> checkpoints = repository.checkpoints(opened);
            if (json) {
                JsonPrinter.print(console.out(), JsonDocuments.Listing.of(opened.store().location().toString(), checkpoints));
                return CairnCommand.OK;
            }
            console.err().printf(Locale.ROOT, "%-26s %10s %6s %-8s %-24s %12s  %s%n", "RUN", "STEP", "EPOCH", "KIND", "CREATED", "BYTES", "METRICS");
            for (Manifest manifest : checkpoints) {
                console.err().printf(Locale.ROOT, "%-26s %10d %6d %-8s %-24s %12d  %s%n", manifest.run(), manifest.step(), manifest.epoch(), manifest.kind(),
                        manifest.createdAt(), manifest.bytes(), manifest.metrics());
            }
            console.err().println(checkpoints.size() + " checkpoint(s) in " + opened.store().location());
            return CairnCommand.OK;
        }
    }
}
