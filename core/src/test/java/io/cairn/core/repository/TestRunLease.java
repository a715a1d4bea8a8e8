package io.cairn.core.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRunLease
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = "run-1";
    // a lease another writer left: generation 1
    private static final String KEY = "runs/run-1/lease/00000000000000000001";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final long MY_PID = ProcessHandle.current().pid();

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final MutableClock clock = new MutableClock(T0);

    @Test
    void acquiringAFreshRunWritesTheLease()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);

        assertThat(store.keys()).containsExactly(KEY);
        JsonNode holder = storedLease();
        assertThat(holder.get("pid").asLong()).isEqualTo(MY_PID);
        assertThat(holder.get("host").asText()).isNotBlank();
        assertThat(holder.get("owner").asText()).isNotBlank();
        assertThat(holder.get("startedAt").asText()).isEqualTo(T0.toString());
        assertThat(holder.get("expiresAt").asText()).isEqualTo(T0.plus(TTL).toString());
        assertThat(lease.valid()).isTrue();
        // the time to live shows in the stored expiry above
        assertThat(lease.run()).isEqualTo(RUN);
    }

    @Test
    void secondWriterFailsWhileTheHolderIsAliveNamingHostAndPid()
            throws IOException
    {
        RunLease.acquire(store, RUN, TTL, clock);
        String host = storedLease().get("host").asText();
        clock.advance(Duration.ofSeconds(29));

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Run " + RUN)
                .hasMessageContaining(host + " pid " + MY_PID)
                .hasMessageContaining(T0.plus(TTL).toString());
    }

    @Test
    void leaseIsNotTakenOverAtTheInstantItExpires()
            throws IOException
    {
        RunLease.acquire(store, RUN, TTL, clock);
        clock.advance(TTL);

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock)).isInstanceOf(CheckpointException.class);
    }

    @Test
    void expiredLeaseIsTakenOver()
            throws IOException
    {
        RunLease first = RunLease.acquire(store, RUN, TTL, clock);
        String firstOwner = storedLease().get("owner").asText();
        clock.advance(TTL.plusSeconds(1));

        RunLease second = RunLease.acquire(store, RUN, TTL, clock);

        JsonNode holder = storedLease();
        assertThat(holder.get("owner").asText()).isNotEqualTo(firstOwner);
        assertThat(holder.get("startedAt").asText()).isEqualTo(T0.plus(TTL).plusSeconds(1).toString());
        assertThat(second.valid()).isTrue();
        assertThat(first.valid()).isFalse();
    }

    @Test
    void ofWritersRacingToTakeOverAnExpiredLeaseExactlyOneWins()
            throws Exception
    {
        store.put(KEY, lease("other-host.example", 4242, T0.minusSeconds(100), T0.minusSeconds(1)));
        int writers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<RunLease>> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < writers; i++) {
            attempts.add(pool.submit(() -> {
                start.await();
                return RunLease.acquire(store, RUN, TTL, clock);
            }));
        }
        start.countDown();
        int won = 0;
        for (java.util.concurrent.Future<RunLease> attempt : attempts) {
            try {
                assertThat(attempt.get().valid()).isTrue();
                won++;
            }
            catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(CheckpointException.class);
            }
        }
        pool.shutdown();
        assertThat(won).isEqualTo(1);
        assertThat(storedLease().get("pid").asLong()).isEqualTo(MY_PID);
    }

    @Test
    void expiredLeaseOfAnotherHostIsTakenOver()
            throws IOException
    {
        store.put(KEY, lease("other-host.example", 4242, T0.minusSeconds(100), T0.minusSeconds(1)));

        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);

        assertThat(lease.valid()).isTrue();
        assertThat(storedLease().get("pid").asLong()).isEqualTo(MY_PID);
    }

    @Test
    void unexpiredLeaseOfAnotherHostIsNotTakenOverEvenIfItsPidIsUnknownHere()
    {
        store.put(KEY, lease("other-host.example", Long.MAX_VALUE / 2, T0, T0.plus(TTL)));

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("other-host.example pid " + Long.MAX_VALUE / 2);
        assertThat(storedLease().get("host").asText()).isEqualTo("other-host.example");
    }

    @Test
    void unexpiredLeaseOfAProcessThatNoLongerExistsOnThisHostIsTakenOver()
            throws IOException
    {
        store.put(KEY, lease(thisHost(), Long.MAX_VALUE / 2, T0, T0.plus(TTL)));

        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);

        assertThat(lease.valid()).isTrue();
        assertThat(storedLease().get("pid").asLong()).isEqualTo(MY_PID);
    }

    @Test
    void unexpiredLeaseOfAFinishedProcessOnThisHostIsTakenOver()
            throws IOException, InterruptedException
    {
        Process finished = new ProcessBuilder("true").start();
        assertThat(finished.waitFor(30, TimeUnit.SECONDS)).isTrue();
        store.put(KEY, lease(thisHost(), finished.pid(), T0, T0.plus(TTL)));

        RunLease.acquire(store, RUN, TTL, clock);

        assertThat(storedLease().get("pid").asLong()).isEqualTo(MY_PID);
    }

    @Test
    void unexpiredLeaseOfALiveProcessOnThisHostIsNotTakenOver()
            throws IOException
    {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            store.put(KEY, lease(thisHost(), sleeper.pid(), T0, T0.plus(TTL)));

            assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("pid " + sleeper.pid());
        }
        finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void renewingExtendsTheLease()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);
        clock.advance(Duration.ofSeconds(20));

        lease.renew();
        clock.advance(Duration.ofSeconds(20));

        assertThat(lease.valid()).as("40 s after acquiring, 20 s after renewing").isTrue();
        assertThat(storedLease().get("expiresAt").asText()).isEqualTo(T0.plusSeconds(50).toString());
        assertThat(storedLease().get("startedAt").asText()).isEqualTo(T0.toString());
    }

    @Test
    void leaseThatIsNotRenewedStopsBeingValidAtItsExpiry()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);
        clock.advance(TTL.minusMillis(1));
        assertThat(lease.valid()).isTrue();

        clock.advance(Duration.ofMillis(1));

        assertThat(lease.valid()).isFalse();
    }

    @Test
    void renewingAfterAnotherWriterReplacedTheLeaseMarksItLost()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);
        byte[] theirs = lease("other-host.example", 4242, T0, T0.plus(Duration.ofHours(1)));
        store.put(KEY, theirs);

        lease.renew();

        assertThat(lease.valid()).isFalse();
        assertThat(store.readAllBytes(KEY)).as("the other writer's lease is left alone").isEqualTo(theirs);

        // once lost, always lost: a later renew does not win it back
        store.delete(List.of(KEY));
        lease.renew();
        assertThat(lease.valid()).isFalse();
        assertThat(store.keys()).doesNotContain(KEY);
    }

    @Test
    void renewingAfterTheLeaseWasDeletedMarksItLost()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);
        store.delete(List.of(KEY));

        lease.renew();

        assertThat(lease.valid()).isFalse();
    }

    @Test
    void releaseDeletesOnlyOurOwnLease()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, RUN, TTL, clock);
        lease.release();
        assertThat(store.keys()).doesNotContain(KEY);
        assertThat(lease.valid()).isFalse();

        RunLease replaced = RunLease.acquire(store, RUN, TTL, clock);
        byte[] theirs = lease("other-host.example", 4242, T0, T0.plus(TTL));
        store.put(KEY, theirs);
        replaced.release();
        assertThat(store.readAllBytes(KEY)).isEqualTo(theirs);
    }

    @Test
    void leaseThatIsNotJsonIsReportedAsCorruptNamingItsKey()
    {
        store.put(KEY, "not a lease".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void leaseWithMissingFieldsIsReportedAsCorruptNamingItsKey()
            throws IOException
    {
        ObjectNode json = (ObjectNode) JSON.readTree(lease(thisHost(), 1, T0, T0.plus(TTL)));
        json.remove("owner");
        store.put(KEY, JSON.writeValueAsBytes(json));

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining("missing fields");
    }

    @Test
    void leaseWithAMalformedExpiryIsReportedAsCorruptNamingItsKey()
            throws IOException
    {
        ObjectNode json = (ObjectNode) JSON.readTree(lease(thisHost(), 1, T0, T0.plus(TTL)));
        json.put("expiresAt", "tomorrow");
        store.put(KEY, JSON.writeValueAsBytes(json));

        assertThatThrownBy(() -> RunLease.acquire(store, RUN, TTL, clock))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void invalidRunIdIsRejectedBeforeTouchingTheStore()
    {
        assertThatThrownBy(() -> RunLease.acquire(store, "../x", TTL, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../x'");
        assertThat(store.keys()).isEmpty();
    }

    // the current holder: the highest generation
    private JsonNode storedLease()
    {
        try {
            String newest = store.list("runs/run-1/lease/").stream().max(String::compareTo).orElseThrow();
            return JSON.readTree(store.readAllBytes(newest));
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] lease(String host, long pid, Instant startedAt, Instant expiresAt)
    {
        try {
            return JSON.writeValueAsBytes(new RunLease.Holder("someone-else", host, pid, startedAt.toString(), expiresAt.toString()));
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // the host name RunLease records for this process, read from a lease it wrote
    private static String thisHost()
            throws IOException
    {
        MemoryCheckpointStore scratch = new MemoryCheckpointStore();
        RunLease.acquire(scratch, RUN, TTL, Clock.fixed(T0, ZoneOffset.UTC));
        return JSON.readTree(scratch.readAllBytes(KEY)).get("host").asText();
    }

    private static final class MutableClock
            extends Clock
    {
        private Instant now;

        MutableClock(Instant now)
        {
            this.now = now;
        }

        void advance(Duration duration)
        {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant()
        {
            return now;
        }
    }
}
