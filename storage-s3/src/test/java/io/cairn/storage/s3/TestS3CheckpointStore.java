package io.cairn.storage.s3;

import io.cairn.core.store.AbstractCheckpointStoreTest;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared store contract against a real S3 API server (S3Proxy on 127.0.0.1), plus S3-only
 * behaviour: multipart uploads, the conditional-write probe, prefixes.
 */
class TestS3CheckpointStore
        extends AbstractCheckpointStoreTest
{
    private static final String BUCKET = "contract";
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static S3ProxyServer server;

    private S3CheckpointStore store;

    @BeforeAll
    static void startServer()
            throws Exception
    {
        server = S3ProxyServer.start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer()
            throws Exception
    {
        server.close();
    }

    @BeforeEach
    void openStore()
            throws Exception
    {
        // a fresh prefix per test: the bucket is shared
        store = (S3CheckpointStore) CheckpointStores.of(new S3CheckpointStoreProvider())
                .open(server.uri(BUCKET, "test-" + PREFIXES.incrementAndGet() + "/repo") + "&part-size=5MiB&multipart-threshold=5MiB");
    }

    @AfterEach
    void closeStore()
    {
        store.close();
    }

    @Override
    protected CheckpointStore store()
    {
        return store;
    }

    @Test
    void serverEnforcesConditionalWrites()
    {
        assertThat(store.conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.ENFORCED);
    }

    @Test
    void largeBlobGoesMultipartAndReadsBackWhole()
            throws Exception
    {
        byte[] data = new byte[13 << 20];
        new Random(7).nextBytes(data);
        store.write("chunks/big", new ByteArrayInputStream(data), data.length);
        assertThat(store.readAllBytes("chunks/big")).isEqualTo(data);
        try (var in = store.read("chunks/big", (6 << 20) - 3, 10)) {
            byte[] slice = new byte[10];
            System.arraycopy(data, (6 << 20) - 3, slice, 0, 10);
            assertThat(in.readAllBytes()).isEqualTo(slice);
        }
    }

    @Test
    void locationHasNoCredentialsOrQuery()
    {
        assertThat(store.location().toString()).startsWith("s3://" + BUCKET + "/test-").endsWith("/repo/");
        assertThat(store.toString()).doesNotContain(S3ProxyServer.SECRET_KEY).doesNotContain(S3ProxyServer.ACCESS_KEY);
    }
}
