package io.cairn.core.save;

import io.cairn.core.internal.Threads;
import io.cairn.core.repository.UploadSession;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Measures one save's background work from its start on the save thread: wall time, and CPU time on
 * the save thread plus what the transfer threads spent on the run's chunks meanwhile (saves of a run
 * run one at a time, so that share is this save's).
 */
public final class SaveCost
{
    private final UploadSession session;
    private final long startedNanos;
    private final long startedCpuNanos;
    private final long startedTransferCpuNanos;

    private SaveCost(UploadSession session)
    {
        this.session = requireNonNull(session, "session is null");
        this.startedNanos = System.nanoTime();
        this.startedCpuNanos = Threads.currentThreadCpuNanos();
        this.startedTransferCpuNanos = session.transferCpuNanos();
    }

    /**
     * Starts measuring, on the save thread.
     */
    public static SaveCost start(UploadSession session)
    {
        return new SaveCost(session);
    }

    /**
     * Wall time since the start; call on the save thread.
     */
    public Duration elapsed()
    {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * CPU time since the start, this thread's and the transfer threads'; call on the save thread.
     */
    public Duration cpu()
    {
        long own = Threads.currentThreadCpuNanos() - startedCpuNanos;
        long transfers = session.transferCpuNanos() - startedTransferCpuNanos;
        return Duration.ofNanos(Math.max(0, own) + Math.max(0, transfers));
    }
}
