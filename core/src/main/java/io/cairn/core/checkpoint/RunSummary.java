package io.cairn.core.checkpoint;

import java.util.Optional;
import java.util.Set;

/**
 * One run of a repository at a glance.
 *
 * @param startedAt ISO-8601, empty when neither the run id nor a checkpoint tells
 * @param parent the checkpoint a fine-tuned run started from
 * @param newestStep empty when the run has no checkpoint yet
 * @param bytesReferenced the sizes of the distinct chunks its checkpoints reference
 * @param bytesUnique the part of those no other run references: what deleting the run would free
 * @param writer the holder of a live lease: the run is being written
 */
public record RunSummary(
        String run,
        Optional<String> startedAt,
        Optional<Manifest.InitFrom> parent,
        Optional<Long> newestStep,
        int checkpoints,
        Set<SaveKind> kinds,
        long bytesReferenced,
        long bytesUnique,
        Optional<RunHolder> writer)
{
    public RunSummary
    {
        kinds = Set.copyOf(kinds);
    }
}
