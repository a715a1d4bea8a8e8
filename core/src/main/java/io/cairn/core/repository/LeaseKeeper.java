package io.cairn.core.repository;

import io.cairn.core.internal.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Keeps a run's lease alive while the run writes: renews it at a third of its time to live, on a
 * thread of its own, and releases it at the end. A writer whose lease lapsed or was taken over can
 * no longer commit ({@link ManifestCatalog#commit} checks it).
 */
public final class LeaseKeeper
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final RunLease lease;
    private final ScheduledExecutorService renewal;

    public LeaseKeeper(RunLease lease, Duration ttl)
    {
        this.lease = requireNonNull(lease, "lease is null");
        this.renewal = Executors.newSingleThreadScheduledExecutor(Threads.daemonThreadsNamed("cairn-lease-" + lease.run()));
        long renewMillis = ttl.toMillis() / 3;
        renewal.scheduleAtFixedRate(this::renew, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    }

    public RunLease lease()
    {
        return lease;
    }

    private void renew()
    {
        try {
            lease.renew();
        }
        catch (IOException | RuntimeException e) {
            log.warn("Cannot renew the lease of run {}: {}", lease.run(), e.getMessage());
        }
    }

    /**
     * Stops renewing, letting a renewal in flight finish (interrupting it could leave a half-written
     * lease temp file behind), and, when {@code release} is set, gives the lease back so the run can
     * be resumed at once.
     */
    public void stop(boolean release)
    {
        renewal.shutdown();
        try {
            if (!renewal.awaitTermination(1, TimeUnit.MINUTES)) {
                renewal.shutdownNow();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (release) {
            try {
                lease.release();
            }
            catch (IOException e) {
                log.warn("Cannot release the lease of run {}: {}", lease.run(), e.getMessage());
            }
        }
    }

    /**
     * Stops renewing and releases the lease.
     */
    @Override
    public void close()
    {
        stop(true);
    }
}
