package io.cairn.core.save;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.internal.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * Runs a run's saves in the background, one at a time in step order, on a thread of its own.
 *
 * <ul>
 * <li><b>Bounds.</b> A save takes a {@link Slot} before its snapshot: one of {@code maxInFlight}, and
 * the snapshot's size in MiB of the snapshot memory budget. The caller waits for a slot; that wait is
 * training stall. A single snapshot larger than the budget still proceeds, alone.
 * <li><b>Failures.</b> The first failed save is kept and thrown, as a {@link CheckpointException}, by
 * the next {@link #throwIfFailed}, {@link #awaitPending} or {@link #close}; every failure goes to the
 * failure handler. Nothing is swallowed. With {@link OnSaveFailure#CONTINUE}, {@link #throwIfFailed}
 * does not throw, and {@link #awaitPending} throws only when the newest finished save failed.
 * </ul>
 */
public final class SavePipeline
{
    private static final Logger log = LoggerFactory.getLogger(SavePipeline.class);

    private final String run;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final Semaphore snapshotMemory;
    private final int memoryPermits;
    private final FailureHandler onFailure;
    private final AtomicReference<FailedSave> failure = new AtomicReference<>();
    // the newest finished save's failure, cleared by a later success (saves finish in step order)
    private final AtomicReference<FailedSave> newestFailure = new AtomicReference<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final String store;
    private final OnSaveFailure onSaveFailure;
    private final List<Future<?>> pending = new ArrayList<>();

    /**
     * @param store where the saves go, named in failures
     * @param lowerPriority run the save thread at a lower OS priority than training ({@link Threads#runInBackground()})
     * @param onSaveFailure whether a failed save stops the run ({@link OnSaveFailure#STOP}) or not
     */
    public SavePipeline(String run, String store, int maxInFlight, long maxSnapshotBytes, boolean lowerPriority, OnSaveFailure onSaveFailure, FailureHandler onFailure)
    {
        this.run = requireNonNull(run, "run is null");
        this.store = requireNonNull(store, "store is null");
        this.onSaveFailure = requireNonNull(onSaveFailure, "onSaveFailure is null");
        this.onFailure = requireNonNull(onFailure, "onFailure is null");
        this.executor = Executors.newSingleThreadExecutor(Threads.daemonThreadsNamed("cairn-save-" + run, lowerPriority));
        this.inFlight = new Semaphore(maxInFlight);
        this.memoryPermits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxSnapshotBytes >> 20));
        this.snapshotMemory = new Semaphore(memoryPermits);
    }

    /**
     * Saves that failed so far.
     */
    public int failures()
    {
        return failures.get();
    }

    public interface FailureHandler
    {
        void failed(long step, Throwable failure);
    }

    /**
     * The work of one save, run on the save thread. It may free the slot's memory early, once its
     * snapshot is written.
     */
    public interface SaveTask
    {
        void run(Slot slot)
                throws Exception;
    }

    /**
     * Waits for a free save slot with room for a snapshot of {@code bytes}.
     */
    public Slot acquire(long bytes)
    {
        int permits = (int) Math.min(memoryPermits, Math.max(1, (bytes + (1 << 20) - 1) >> 20));
        inFlight.acquireUninterruptibly();
        snapshotMemory.acquireUninterruptibly(permits);
        return new Slot(permits);
    }

    /**
     * Runs a save's task on the save thread; with {@code sync}, waits for it.
     *
     * @throws CheckpointException when {@code sync} and the save failed
     */
    public void submit(long step, Slot slot, SaveTask task, boolean sync)
    {
        Runnable job = () -> {
            try {
                task.run(slot);
                newestFailure.set(null);
            }
            catch (Throwable t) {
                FailedSave failed = new FailedSave(step, t);
                failure.compareAndSet(null, failed);
                newestFailure.set(failed);
                failures.incrementAndGet();
                log.error("Save of run {} step {} failed: {}", run, step, t.getMessage());
                onFailure.failed(step, t);
            }
            finally {
                slot.release();
            }
        };
        Future<?> future;
        try {
            future = executor.submit(job);
        }
        catch (RejectedExecutionException e) {
            slot.release();
            throw new IllegalStateException("Checkpointer of run " + run + " is closed", e);
        }
        if (sync) {
            await(future);
            throwIfFailed();
            return;
        }
        synchronized (pending) {
            pending.removeIf(Future::isDone);
            pending.add(future);
        }
    }

    /**
     * Waits until every save so far is committed (or failed).
     *
     * @throws CheckpointException if a save failed
     */
    public void awaitPending()
    {
        List<Future<?>> waiting;
        synchronized (pending) {
            waiting = new ArrayList<>(pending);
        }
        waiting.forEach(this::await);
        if (onSaveFailure == OnSaveFailure.STOP) {
            throwIfFailed();
            return;
        }
        FailedSave newest = newestFailure.get();
        if (newest != null) {
            throw new CheckpointException("The newest save of run " + run + newest.stepSuffix() + " to " + store + " failed, so its latest state is not stored: " + newest.cause().getMessage(),
                    newest.cause());
        }
    }

    private void await(Future<?> future)
    {
        try {
            future.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointException("Interrupted while waiting for the saves of run " + run, e);
        }
        catch (ExecutionException e) {
            // the job catches what its save throws: this is an Error of the job itself
            failure.compareAndSet(null, new FailedSave(-1, e.getCause()));
        }
    }

    /**
     * @throws CheckpointException if a save failed and failures stop the run
     */
    public void throwIfFailed()
    {
        if (onSaveFailure == OnSaveFailure.CONTINUE) {
            return;
        }
        FailedSave failed = failure.get();
        if (failed != null) {
            throw new CheckpointException("A background save of run " + run + failed.stepSuffix() + " to " + store + " failed: " + failed.cause().getMessage(), failed.cause());
        }
    }

    /**
     * Stops taking saves and waits up to a minute for the one running.
     *
     * @return whether the save thread stopped; if not, a save still uses its resources
     */
    public boolean shutdown()
    {
        executor.shutdown();
        try {
            return executor.awaitTermination(1, TimeUnit.MINUTES);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A save's share of the bounds: one in-flight save and its snapshot memory.
     */
    public final class Slot
    {
        private final int permits;
        private boolean memoryReleased;
        private boolean released;

        private Slot(int permits)
        {
            this.permits = permits;
        }

        /**
         * The snapshot is gone: its memory may hold the next one.
         */
        public synchronized void releaseMemory()
        {
            if (!memoryReleased) {
                memoryReleased = true;
                snapshotMemory.release(permits);
            }
        }

        /**
         * The save is over, or never started.
         */
        public synchronized void release()
        {
            releaseMemory();
            if (!released) {
                released = true;
                inFlight.release();
            }
        }
    }

    private record FailedSave(long step, Throwable cause)
    {
        String stepSuffix()
        {
            return step < 0 ? "" : " at step " + step;
        }
    }
}
