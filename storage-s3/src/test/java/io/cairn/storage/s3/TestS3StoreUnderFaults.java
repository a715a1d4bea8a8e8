package io.cairn.storage.s3;

import io.cairn.core.repository.RunLease;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.storage.s3.FaultProxy.Fault;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 store through a {@link FaultProxy} in front of S3Proxy: a create-if-absent whose response is
 * lost and retried into 412 reads its object back; a download cut mid-body resumes from its offset with
 * the exact bytes, or fails naming the object and the store.
 */
@Timeout(60)
class TestS3StoreUnderFaults
{
    static final String BUCKET = "faults";
    static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(600);
    static final Duration STALL = Duration.ofMillis(900);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private static S3ProxyServer server;
    private static FaultProxy proxy;
    private String prefix;

    @BeforeAll
    static void start()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
        proxy = FaultProxy.start(server.port(), 1, STALL);
        warmUp(server, proxy, BUCKET);
    }

    /**
     * The first requests of a JVM are slow (class loading): sent before any attempt timeout matters.
     */
    static void warmUp(S3ProxyServer server, FaultProxy proxy, String bucket)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(uri(server, proxy, bucket, "warm-up").replace(ATTEMPT_TIMEOUT.toMillis() + "ms", "60s"))) {
            store.createIfAbsent("warm", new byte[] {1});
            store.readAllBytes("warm");
            store.list("");
            store.delete(List.of("warm"));
        }
    }

    @AfterAll
    static void stop()
            throws Exception
    {
        proxy.close();
        server.close();
    }

    @BeforeEach
    void freshPrefix()
    {
        prefix = "store-" + PREFIXES.incrementAndGet();
    }

    /**
     * {@code s3://bucket/prefix} through the proxy, with a short attempt timeout so that a stall is
     * retried quickly.
     */
    static String uri(S3ProxyServer server, FaultProxy proxy, String bucket, String prefix)
    {
        return "s3://" + bucket + "/" + prefix + "?endpoint=" + proxy.endpoint() + "&path-style=true&access-key-id=" + S3ProxyServer.ACCESS_KEY
                + "&secret-access-key=" + S3ProxyServer.SECRET_KEY + "&api-call-attempt-timeout=" + ATTEMPT_TIMEOUT.toMillis() + "ms&max-attempts=8";
    }

    private CheckpointStore open()
            throws IOException
    {
        return CheckpointStores.discover().open(uri(server, proxy, BUCKET, prefix));
    }

    private static boolean conditionalPut(FaultProxy.Request request, String keyPart)
    {
        return request.method().equals("PUT") && "*".equals(request.headers().get("if-none-match")) && request.target().contains(keyPart);
    }

    @Test
    void probeWhoseResponseIsLostReadsItsObjectBack()
            throws Exception
    {
        int stalls = proxy.injected(Fault.STALL);
        proxy.injectNext(Fault.STALL, request -> conditionalPut(request, "/.cairn-probe/"));
        try (CheckpointStore store = open()) {
            store.createIfAbsent("cairn-repository.json", new byte[] {1, 2});
            assertThat(((S3CheckpointStore) store).conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.ENFORCED);
        }
        assertThat(proxy.injected(Fault.STALL)).isEqualTo(stalls + 1);
        assertThat(server.listObjects(BUCKET, prefix + "/")).containsExactly(prefix + "/cairn-repository.json");
    }

    @Test
    void createIfAbsentWhoseResponseIsLostReportsItsOwnObjectAsExisting()
            throws Exception
    {
        try (CheckpointStore store = open()) {
            store.createIfAbsent("probe-first", new byte[] {0});
            proxy.injectNext(Fault.STALL, request -> conditionalPut(request, "/runs/r/lease/"));
            // the store answers FileAlreadyExists, as the contract says; the lease reads it back and finds its own owner
            RunLease lease = RunLease.acquire(store, "r", Duration.ofMinutes(5), Clock.systemUTC());
            assertThat(lease.valid()).isTrue();
            assertThat(RunLease.liveHolder(store, "r", Clock.systemUTC().instant())).isPresent();
            assertThat(store.list("runs/r/lease/")).hasSize(1);
        }
        assertThat(proxy.requests()).filteredOn(request -> conditionalPut(request, "/runs/r/lease/")).hasSize(2);
    }

    @Test
    void downloadCutMidBodyResumesFromItsOffset()
            throws Exception
    {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        try (CheckpointStore store = open()) {
            store.write("blob", new ByteArrayInputStream(data), data.length);
            int before = proxy.requests().size();
            proxy.injectNext(Fault.RESET_DURING_RESPONSE, request -> request.method().equals("GET") && request.target().contains("/blob"));
            assertThat(store.readAllBytes("blob")).isEqualTo(data);

            List<FaultProxy.Request> gets = proxy.requests().subList(before, proxy.requests().size()).stream()
                    .filter(request -> request.method().equals("GET")).toList();
            assertThat(gets).hasSize(2);
            assertThat(gets.get(0).headers()).doesNotContainKey("range");
            String resumed = gets.get(1).headers().get("range");
            assertThat(resumed).matches("bytes=\\d+-" + (data.length - 1));
            long offset = Long.parseLong(resumed.substring("bytes=".length(), resumed.indexOf('-')));
            assertThat(offset).isGreaterThan(0).isLessThan(data.length);
            assertThat(gets.get(1).headers()).containsKey("if-match");

            // a ranged read resumes within its range
            proxy.injectNext(Fault.RESET_DURING_RESPONSE, request -> request.method().equals("GET") && request.target().contains("/blob"));
            try (InputStream in = store.read("blob", 1000, 300_000)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 301_000));
            }
            FaultProxy.Request last = proxy.requests().get(proxy.requests().size() - 1);
            assertThat(last.headers().get("range")).matches("bytes=\\d+-300999").isNotEqualTo("bytes=1000-300999");
        }
    }

    @Test
    void downloadCutAgainAndAgainFailsNamingTheObjectAndTheStore()
            throws Exception
    {
        byte[] data = new byte[64 << 10];
        new Random(8).nextBytes(data);
        try (CheckpointStore store = open()) {
            store.write("cut", new ByteArrayInputStream(data), data.length);
            for (int i = 0; i < 40; i++) {
                proxy.injectNext(Fault.RESET_DURING_RESPONSE, request -> request.method().equals("GET") && request.target().contains("/cut"));
            }
            try {
                assertThatThrownBy(() -> store.readAllBytes("cut"))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("Cannot read s3://" + BUCKET + "/" + prefix + "/cut")
                        .hasMessageContaining(proxy.endpoint().toString())
                        .hasMessageContaining("network");
            }
            finally {
                // what is left of the script must not hit the next test
                proxy.clearScript();
            }
        }
    }
}
