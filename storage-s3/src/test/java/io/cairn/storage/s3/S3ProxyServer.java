package io.cairn.storage.s3;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API server (S3Proxy, in-memory blobs) on 127.0.0.1 and a random port, for tests. Also
 * used by the trainer's end-to-end tests through this module's test-jar.
 */
public final class S3ProxyServer
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "cairn-test-access";
    public static final String SECRET_KEY = "cairn-test-secret-do-not-log";

    private final S3Proxy proxy;

    private S3ProxyServer(S3Proxy proxy)
    {
        this.proxy = proxy;
    }

    /**
     * A server that checks AWS signatures against {@link #ACCESS_KEY} and {@link #SECRET_KEY}.
     */
    public static S3ProxyServer start()
            throws Exception
    {
        return start(new TransientNio2BlobStore(), AuthenticationType.AWS_V2_OR_V4);
    }

    /**
     * A server whose storage ignores {@code If-None-Match: *}, as some S3-compatible servers do.
     */
    public static S3ProxyServer startIgnoringConditionalWrites()
            throws Exception
    {
        BlobStore ignoring = new ForwardingBlobStore(new TransientNio2BlobStore())
        {
            @Override
            public PutObjectResponse putBlob(PutObjectRequest request, InputStream data)
            {
                return super.putBlob(request.toBuilder().ifNoneMatch(null).build(), data);
            }
        };
        return start(ignoring, AuthenticationType.AWS_V2_OR_V4);
    }

    private static S3ProxyServer start(BlobStore blobStore, AuthenticationType authentication)
            throws Exception
    {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .awsAuthentication(authentication, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy);
    }

    public URI endpoint()
    {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public int port()
    {
        return proxy.getPort();
    }

    /**
     * {@code s3://bucket/prefix?endpoint=...&path-style=true&access-key-id=...&secret-access-key=...}
     */
    public String uri(String bucket, String prefix)
    {
        return "s3://" + bucket + "/" + prefix + "?endpoint=" + endpoint() + "&path-style=true&access-key-id=" + ACCESS_KEY + "&secret-access-key=" + SECRET_KEY;
    }

    /**
     * Creates a bucket with the plain SDK, not the code under test.
     */
    public void createBucket(String bucket)
    {
        try (var client = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build()) {
            client.createBucket(request -> request.bucket(bucket));
        }
    }

    @Override
    public void close()
            throws Exception
    {
        proxy.stop();
    }
}
