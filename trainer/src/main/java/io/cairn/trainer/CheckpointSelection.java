package io.cairn.trainer;

import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * {@code (--step N | --latest)}: use as an exclusive {@code @ArgGroup} with multiplicity 1.
 */
final class CheckpointSelection
{
    @Option(names = "--step", paramLabel = "N", description = "The checkpoint at step N.")
    Long step;

    @Option(names = "--latest", description = "The run's newest checkpoint.")
    boolean latest;

    Optional<Long> step()
    {
        return Optional.ofNullable(step);
    }
}
