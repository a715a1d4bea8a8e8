package io.cairn.storage.s3;

import io.cairn.core.internal.Threads;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Opens {@code s3://bucket/prefix} stores; see {@link S3StoreProperties} for the settings. Opening
 * sends one request, a list of at most one key, so that a missing bucket, rejected credentials or an
 * unreachable endpoint fail here, naming the problem; it writes nothing.
 */
public final class S3CheckpointStoreProvider
        implements CheckpointStoreProvider
{
    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException
    {
        return open(S3StoreConfig.from(uri, options, S3StoreConfig.settings()));
    }

    static S3CheckpointStore open(S3StoreConfig config)
            throws IOException
    {
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(config.maxConcurrency())
                .eventLoopGroup(EventLoops.SHARED)
                .build();
        // uploads at or above the threshold go multipart; reads use plain GETs (S3-compatible servers
        // often lack the part-numbered GETs of the SDK's multipart download)
        S3AsyncClient uploads = client(config, http, true);
        S3AsyncClient requests = client(config, http, false);
        ExecutorService streamReader = Executors.newCachedThreadPool(Threads.daemonThreadsNamed("cairn-s3-upload-stream"));
        S3CheckpointStore store = new S3CheckpointStore(uploads, requests, http, config, streamReader);
        try {
            store.checkBucket();
        }
        catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    @Override
    public String scheme()
    {
        return "s3";
    }

    private static S3AsyncClient client(S3StoreConfig config, SdkAsyncHttpClient http, boolean multipart)
    {
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .httpClient(http)
                .forcePathStyle(config.pathStyle())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        // no circuit breaker: its token bucket, shared by every request of the client, runs dry under a
                        // steady share of failures and then fails requests on their first error; max-attempts bounds each
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(config.maxAttempts()).circuitBreakerEnabled(false)
                                .retryOnException(S3Errors::isRetryableFailure).build())
                        .apiCallTimeout(config.apiCallTimeout())
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                        .build())
                .credentialsProvider(credentials(config));
        if (multipart) {
            builder.multipartEnabled(true)
                    .multipartConfiguration(MultipartConfiguration.builder()
                            .thresholdInBytes(config.multipartThreshold())
                            .minimumPartSizeInBytes(config.partSize())
                            .build());
        }
        config.endpoint().ifPresent(builder::endpointOverride);
        if (config.region().isPresent()) {
            builder.region(Region.of(config.region().get()));
        }
        else if (config.endpoint().isPresent()) {
            // S3-compatible servers rarely care, but the signer needs one
            builder.region(Region.US_EAST_1);
        }
        return builder.build();
    }

    /**
     * One event loop group for every S3 store of the process: a store's client then closes at once
     * instead of waiting out Netty's shutdown quiet period.
     */
    private static final class EventLoops
    {
        static final SdkEventLoopGroup SHARED = SdkEventLoopGroup.builder().build();
    }

    private static AwsCredentialsProvider credentials(S3StoreConfig config)
    {
        if (config.accessKeyId().isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String id = config.accessKeyId().get();
        String secret = config.secretAccessKey().orElseThrow();
        return StaticCredentialsProvider.create(config.sessionToken().isPresent()
                ? AwsSessionCredentials.create(id, secret, config.sessionToken().get())
                : AwsBasicCredentials.create(id, secret));
    }
}
