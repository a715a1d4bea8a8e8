package io.cairn.storage.s3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conditional-write probe against a scripted S3 client: it runs once per store, on the first
 * create-if-absent, even when threads race to it; credentials that may not write make the store
 * read-only.
 */
class TestS3ConditionalWriteProbe
{
    @Test
    @Timeout(60)
    void racingFirstCreateIfAbsentCallsProbeOnce()
            throws Exception
    {
        ScriptedS3 s3 = new ScriptedS3(false);
        s3.holdFirstProbe = new CountDownLatch(1);
        try (S3CheckpointStore store = store(s3)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread first = commit(store, "runs/r/checkpoints/1.json", failure);
            first.start();
            assertThat(s3.firstProbeStarted.await(30, TimeUnit.SECONDS)).isTrue();
            Thread second = commit(store, "runs/r/checkpoints/2.json", failure);
            second.start();
            // the second caller waits for the first one's probe instead of probing again
            while (second.getState() != Thread.State.BLOCKED && second.isAlive()) {
                Thread.sleep(1);
            }
            s3.holdFirstProbe.countDown();
            first.join();
            second.join();
            assertThat(failure.get()).isNull();

            assertThat(store.conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.ENFORCED);
            store.createIfAbsent("runs/r/checkpoints/3.json", new byte[] {3});
            // one probe: two conditional puts of one probe object and one delete, then the three commits
            assertThat(s3.puts).filteredOn(key -> key.contains("/.cairn-probe/")).hasSize(2).containsOnly(s3.puts.get(0));
            assertThat(s3.deleted).hasSize(1).containsExactly(s3.puts.get(0));
            assertThat(s3.puts).filteredOn(key -> key.startsWith("prefix/runs/")).containsExactlyInAnyOrder(
                    "prefix/runs/r/checkpoints/1.json", "prefix/runs/r/checkpoints/2.json", "prefix/runs/r/checkpoints/3.json");
        }
    }

    @Test
    void accessDeniedOnTheProbeMakesTheStoreReadOnly()
            throws Exception
    {
        ScriptedS3 s3 = new ScriptedS3(true);
        try (S3CheckpointStore store = store(s3)) {
            assertThatThrownBy(() -> store.createIfAbsent("cairn-repository.json", new byte[] {1}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Cannot write cairn-repository.json")
                    .hasMessageContaining("read-only for these credentials");
            assertThat(store.conditionalWrites()).isEqualTo(S3CheckpointStore.ConditionalWrites.NOT_WRITABLE);
            int requests = s3.puts.size();

            // later writes and deletes fail at once, without asking the server
            assertThatThrownBy(() -> store.write("chunks/aa/1", new ByteArrayInputStream(new byte[] {1}), 1))
                    .hasMessageContaining("read-only for these credentials");
            assertThatThrownBy(() -> store.delete(List.of("chunks/aa/1")))
                    .hasMessageContaining("read-only for these credentials");
            assertThatThrownBy(() -> store.createIfAbsent("cairn-repository.json", new byte[] {1}))
                    .hasMessageContaining("read-only for these credentials");
            assertThat(s3.puts).hasSize(requests);
            assertThat(s3.deleted).isEmpty();
        }
    }

    private static Thread commit(S3CheckpointStore store, String key, AtomicReference<Throwable> failure)
    {
        return new Thread(() -> {
            try {
                store.createIfAbsent(key, new byte[] {1});
            }
            catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
    }

    private static S3CheckpointStore store(ScriptedS3 s3)
    {
        S3StoreConfig config = S3StoreConfig.from(URI.create("s3://bucket/prefix"), Map.of(), S3StoreConfig.settings().systemProperties(Map.of()).environment(Map.of()));
        return new S3CheckpointStore(s3, s3, new NoHttp(), config, Executors.newCachedThreadPool());
    }

    /**
     * Answers puts and deletes as an S3 server that enforces {@code If-None-Match: *} does (or denies
     * every write), and records them.
     */
    private static final class ScriptedS3
            implements S3AsyncClient
    {
        private final boolean denyWrites;
        private final Set<String> objects = ConcurrentHashMap.newKeySet();
        final List<String> puts = Collections.synchronizedList(new ArrayList<>());
        final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstProbeStarted = new CountDownLatch(1);
        volatile CountDownLatch holdFirstProbe = new CountDownLatch(0);

        ScriptedS3(boolean denyWrites)
        {
            this.denyWrites = denyWrites;
        }

        @Override
        public CompletableFuture<PutObjectResponse> putObject(PutObjectRequest request, AsyncRequestBody body)
        {
            puts.add(request.key());
            if (request.key().contains("/.cairn-probe/") && firstProbeStarted.getCount() > 0) {
                firstProbeStarted.countDown();
                try {
                    holdFirstProbe.await();
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return CompletableFuture.failedFuture(e);
                }
            }
            if (denyWrites) {
                return CompletableFuture.failedFuture(error(403, "AccessDenied"));
            }
            if (!objects.add(request.key()) && "*".equals(request.ifNoneMatch())) {
                return CompletableFuture.failedFuture(error(412, "PreconditionFailed"));
            }
            return CompletableFuture.completedFuture(PutObjectResponse.builder().build());
        }

        @Override
        public CompletableFuture<DeleteObjectsResponse> deleteObjects(DeleteObjectsRequest request)
        {
            for (ObjectIdentifier object : request.delete().objects()) {
                objects.remove(object.key());
                deleted.add(object.key());
            }
            return CompletableFuture.completedFuture(DeleteObjectsResponse.builder().build());
        }

        private static S3Exception error(int status, String code)
        {
            return (S3Exception) S3Exception.builder()
                    .statusCode(status)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
                    .message(code)
                    .build();
        }

        @Override
        public String serviceName()
        {
            return "s3";
        }

        @Override
        public void close() {}
    }

    private static final class NoHttp
            implements SdkAsyncHttpClient
    {
        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request)
        {
            throw new UnsupportedOperationException("the scripted client sends no requests");
        }

        @Override
        public void close() {}
    }
}
