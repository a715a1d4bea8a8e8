package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Delete chunks no committed checkpoint references. Run it while no training writes into the repository.")
final class GcCommand
        implements Callable<Integer>
{
    private final Console console;

    @Option(names = "--store", required = true, paramLabel = "URI", description = "Repository.")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--dry-run", description = "Only report what would be deleted.")
    boolean dryRun;

    @Option(names = "--force", description = "Sweep even while a run is being written (its in-flight save may lose chunks).")
    boolean force;

    GcCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try (Wiring wiring = Wiring.forReading(storeOptions.location(store))) {
            CheckpointRepository repository = wiring.repository();
            CheckpointRepository.GcResult result = repository.gc(dryRun, force);
            console.err().println(result.chunks() + " chunk(s), " + result.referenced() + " referenced; "
                    + (dryRun ? "would delete " : "deleted ") + result.unreferenced().size());
            return CairnCommand.OK;
        }
    }
}
