package io.cairn.core.checkpoint;

/**
 * The writer that holds a run's live lease: a {@link Checkpointer} training it now, or one that died
 * less than a lease's time to live ago.
 *
 * @param host the host name of the writer's machine
 * @param pid the writer's process id on that host
 * @param startedAt ISO-8601, when it took the lease
 * @param expiresAt ISO-8601, when the lease expires unless renewed
 */
public record RunHolder(String host, long pid, String startedAt, String expiresAt) {}
