package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Writes a checkpoint as plain files. {@code --store-option} applies to the target too when it has the
 * scheme of {@code --store} (say, another bucket on the same endpoint); a target of another scheme
 * opens with its defaults and its URI query.
 */
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

    @Option(names = "--to", required = true, paramLabel = "URI-OR-DIR",
            description = "Where to write; must be empty or not exist. A store of the --store scheme gets the --store-option settings too.")
    String to;

    ExportCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        StoreLocation target = repository.location().sibling(to);
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            // the target opens through the same store providers as the repository's store
            try (CheckpointStore targetStore = target.open(wiring.instance(CheckpointStores.class))) {
                Manifest manifest = repository.checkpoint(opened, selection.step());
                if (!targetStore.list("").isEmpty()) {
                    throw new UsageException("Export target " + targetStore.location() + " is not empty; export into a new or empty directory");
                }
                List<String> written = opened.export(manifest, targetStore, "");
                console.err().println("Exported run " + manifest.run() + " step " + manifest.step() + " (" + manifest.kind() + ", " + written.size() + " files) to "
                        + targetStore.location());
                return CairnCommand.OK;
            }
        }
    }
}
