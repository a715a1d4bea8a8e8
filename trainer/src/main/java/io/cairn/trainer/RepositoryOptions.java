package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code --store}, {@code --store-option} and {@code --run}, shared by the commands that read a
 * repository. A run or step that is not there is bad usage.
 */
final class RepositoryOptions
{
    @Option(names = "--store", required = true, paramLabel = "URI", description = "Repository: a path, file:/path, s3://bucket/prefix, hdfs://host:port/path.")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--run", paramLabel = "ID", description = "The run (default: the newest).")
    String run;

    StoreLocation location()
    {
        return storeOptions.location(store);
    }

    /**
     * Cairn's wiring for the existing repository; {@link Wiring#repository()} opens it.
     */
    Wiring wire()
    {
        return Wiring.forReading(location());
    }

    /**
     * The checkpoints of {@code --run}, else of every run.
     */
    List<Manifest> checkpoints(CheckpointRepository repository)
            throws IOException
    {
        return run == null ? repository.checkpoints() : repository.checkpoints(run(repository));
    }

    /**
     * The named run, else the newest; fails naming the store when it has no run.
     */
    String run(CheckpointRepository repository)
            throws IOException
    {
        List<String> runs = repository.runs();
        if (run != null) {
            if (!runs.contains(run)) {
                throw new UsageException("No run " + run + " in " + repository.store().location() + "; runs: " + runs);
            }
            return run;
        }
        if (runs.isEmpty()) {
            throw new UsageException("No run in " + repository.store().location() + "; train into it first");
        }
        return runs.get(runs.size() - 1);
    }

    /**
     * The checkpoint at {@code step} of the run, or its latest when {@code step} is empty.
     */
    Manifest checkpoint(CheckpointRepository repository, Optional<Long> step)
            throws IOException
    {
        String selected = run(repository);
        if (step.isPresent()) {
            try {
                return repository.checkpoint(selected, step.get());
            }
            catch (FileNotFoundException e) {
                throw new UsageException("Run " + selected + " has no checkpoint at step " + step.get() + "; steps: "
                        + repository.checkpoints(selected).stream().map(Manifest::step).toList(), e);
            }
        }
        return repository.latest(selected)
                .orElseThrow(() -> new UsageException("Run " + selected + " has no checkpoint yet"));
    }
}
