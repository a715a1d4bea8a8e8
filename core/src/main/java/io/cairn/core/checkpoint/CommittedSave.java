package io.cairn.core.checkpoint;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * A save a {@link Checkpointer} committed.
 *
 * @param step the checkpoint's step
 * @param kind what it holds
 * @param bytes the logical size of its files
 * @param bytesAdded the bytes it put in the store: new chunks and its manifest. Chunks the repository
 * already held (an unchanged graph, frozen layers, weights another run saved) cost nothing.
 * @param backgroundTime wall time of the save's background work, from its start on the save thread
 * to its commit: writing, hashing, uploading and committing (not the snapshot the caller waited for)
 * @param backgroundCpuTime CPU time that work used, on the save thread and the transfer threads
 */
public record CommittedSave(long step, SaveKind kind, long bytes, long bytesAdded, Duration backgroundTime, Duration backgroundCpuTime)
{
    public CommittedSave
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(backgroundTime, "backgroundTime is null");
        requireNonNull(backgroundCpuTime, "backgroundCpuTime is null");
    }
}
