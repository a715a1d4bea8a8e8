package io.cairn.core.checkpoint;

import java.time.Clock;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a {@link Checkpointer} saves.
 *
 * @param retention which checkpoints of the run to keep after each commit
 * @param maxInFlight saves snapshotted but not yet committed; a save beyond it waits (and that wait
 * counts as training stall)
 * @param maxSnapshotBytes host memory all in-flight snapshots may hold together; a single larger
 * snapshot still proceeds, alone
 * @param sync write and commit on the calling thread, for comparison
 * @param leaseTtl how long the run's lease lasts without renewal
 * @param lowerBackgroundPriority run the save thread, and the transfer threads while they upload this
 * run's chunks, at a lower OS priority than training (Linux niceness +10), so a save takes the CPU
 * training leaves idle; where the OS does not allow it, they keep their priority
 * @param onSaveFailure whether training goes on after a failed background save; {@link OnSaveFailure#STOP}
 * by default
 */
public record CheckpointerOptions(RetentionPolicy retention, int maxInFlight, long maxSnapshotBytes, boolean sync, Duration leaseTtl, Clock clock,
        boolean lowerBackgroundPriority, OnSaveFailure onSaveFailure)
{
    public CheckpointerOptions
    {
        requireNonNull(onSaveFailure, "onSaveFailure is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(leaseTtl, "leaseTtl is null");
        requireNonNull(clock, "clock is null");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("Max in-flight saves must be at least 1, got " + maxInFlight);
        }
        if (maxSnapshotBytes < 1) {
            throw new IllegalArgumentException("Max snapshot bytes must be positive, got " + maxSnapshotBytes);
        }
        if (leaseTtl.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException("Lease TTL must be at least 3 seconds, got " + leaseTtl);
        }
    }

    public CheckpointerOptions(RetentionPolicy retention, int maxInFlight, long maxSnapshotBytes, boolean sync, Duration leaseTtl, Clock clock,
            boolean lowerBackgroundPriority)
    {
        this(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, OnSaveFailure.STOP);
    }

    public static CheckpointerOptions defaults()
    {
        return new CheckpointerOptions(RetentionPolicy.keepAll(), 4, 2L << 30, false, Duration.ofSeconds(60), Clock.systemUTC(), true, OnSaveFailure.STOP);
    }

    public CheckpointerOptions withRetention(RetentionPolicy retention)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withSync(boolean sync)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withMaxInFlight(int maxInFlight)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withMaxSnapshotBytes(long maxSnapshotBytes)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withLeaseTtl(Duration leaseTtl)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withLowerBackgroundPriority(boolean lowerBackgroundPriority)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }

    public CheckpointerOptions withOnSaveFailure(OnSaveFailure onSaveFailure)
    {
        return new CheckpointerOptions(retention, maxInFlight, maxSnapshotBytes, sync, leaseTtl, clock, lowerBackgroundPriority, onSaveFailure);
    }
}
