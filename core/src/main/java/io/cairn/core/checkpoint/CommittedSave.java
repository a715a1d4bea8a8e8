package io.cairn.core.checkpoint;

/**
 * A save a {@link Checkpointer} committed.
 *
 * @param step the checkpoint's step
 * @param kind what it holds
 * @param bytes the logical size of its files
 * @param bytesAdded the bytes it put in the store: new chunks and its manifest. Chunks the repository
 * already held (an unchanged graph, frozen layers, weights another run saved) cost nothing.
 */
public record CommittedSave(long step, SaveKind kind, long bytes, long bytesAdded) {}
