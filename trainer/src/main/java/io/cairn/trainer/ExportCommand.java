package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a checkpoint as plain files: a SavedModel directory (FULL) or TF checkpoint files, plus trainer-state.json.")
final class ExportCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @ArgGroup(exclusive = true, multiplicity = "1")
    CheckpointSelection selection;

    @Option(names = "--to", required = true, paramLabel = "URI-OR-DIR", description = "Where to write; must be empty or not exist.")
    String to;

    ExportCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try (CheckpointRepository opened = repository.open();
                CheckpointStore target = openTarget()) {
            Manifest manifest = repository.checkpoint(opened, selection.step());
            if (!target.list("").isEmpty()) {
                throw new UsageException("Export target " + target.location() + " is not empty; export into a new or empty directory");
            }
            List<String> written = opened.export(manifest, target, "");
            console.err().println("Exported run " + manifest.run() + " step " + manifest.step() + " (" + manifest.kind() + ", " + written.size() + " files) to " + target.location());
            return CairnCommand.OK;
        }
    }

    private CheckpointStore openTarget()
            throws IOException
    {
        try {
            return CheckpointStores.discover().open(to);
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
