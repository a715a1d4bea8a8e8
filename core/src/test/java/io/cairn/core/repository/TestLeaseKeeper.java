package io.cairn.core.repository;

import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease keeper renews a run's lease while the run writes and gives it back at the end.
 */
class TestLeaseKeeper
{
    private static final Duration TTL = Duration.ofSeconds(3);

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();

    @Test
    void renewsTheLeaseWhileTheRunWrites()
            throws Exception
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Instant firstExpiry = expiry();
        try (LeaseKeeper keeper = new LeaseKeeper(lease, TTL)) {
            // renewals come every second; give them ten
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!expiry().isAfter(firstExpiry) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(expiry()).isAfter(firstExpiry);
            assertThat(keeper.lease().valid()).isTrue();
        }
    }

    @Test
    void closingReleasesTheLeaseSoTheRunCanBeResumedAtOnce()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        new LeaseKeeper(lease, TTL).close();

        assertThat(RunLease.liveHolder(store, "run-a", Instant.now())).isEmpty();
        assertThat(lease.valid()).isFalse();
        RunLease.acquire(store, "run-a", TTL, Clock.systemUTC()).release();
    }

    @Test
    void stoppingWithoutReleaseLeavesTheLeaseToExpire()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        new LeaseKeeper(lease, TTL).stop(false);

        assertThat(RunLease.liveHolder(store, "run-a", Instant.now())).isPresent();
        assertThat(RunLease.liveHolder(store, "run-a", Instant.now().plus(TTL).plusSeconds(1))).isEmpty();
    }

    private Instant expiry()
            throws IOException
    {
        return Instant.parse(RunLease.liveHolder(store, "run-a", Instant.EPOCH).orElseThrow().expiresAt());
    }
}
