package io.cairn.storage.s3;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
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
        try (S3Client client = plainClient()) {
            client.createBucket(request -> request.bucket(bucket));
        }
    }

    /**
     * The object's bytes, read with the plain SDK; empty if there is none.
     */
    public Optional<byte[]> readObject(String bucket, String key)
    {
        try (S3Client client = plainClient()) {
            return Optional.of(client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray());
        }
        catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes an object with the plain SDK.
     */
    public void putObject(String bucket, String key, byte[] data)
    {
        try (S3Client client = plainClient()) {
            client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(data));
        }
    }

    /**
     * Deletes an object with the plain SDK.
     */
    public void deleteObject(String bucket, String key)
    {
        try (S3Client client = plainClient()) {
            client.deleteObject(request -> request.bucket(bucket).key(key));
        }
    }

    /**
     * The keys under the prefix, listed with the plain SDK.
     */
    public List<String> listObjects(String bucket, String prefix)
    {
        try (S3Client client = plainClient()) {
            return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
        }
    }

    private S3Client plainClient()
    {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @Override
    public void close()
            throws Exception
    {
        proxy.stop();
    }
}
