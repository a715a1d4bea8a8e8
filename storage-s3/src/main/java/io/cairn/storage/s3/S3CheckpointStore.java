package io.cairn.storage.s3;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.StoreErrors;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

import static io.cairn.storage.s3.S3Errors.join;
import static java.util.Objects.requireNonNull;

/**
 * A checkpoint store in an S3 bucket under a prefix. Writes of large blobs go as multipart uploads
 * (the SDK's multipart client), every call uses the SDK's retry strategy, and create-if-absent is a
 * conditional {@code PutObject} with {@code If-None-Match: *}. Whether the server enforces that is
 * probed once, on the first create-if-absent: opening a store to read or list writes nothing.
 */
final class S3CheckpointStore
        implements CheckpointStore
{
    static final String PROBE_DIRECTORY = ".cairn-probe";

    private static final Logger log = LoggerFactory.getLogger(S3CheckpointStore.class);
    private static final int DELETE_BATCH = 1000;
    private static final String PROBE_PREFIX = PROBE_DIRECTORY + "/";

    private final S3AsyncClient uploads;
    private final S3AsyncClient client;
    private final SdkAsyncHttpClient http;
    private final S3StoreConfig config;
    private final URI location;
    private final ExecutorService streamReader;
    private final S3Errors errors;
    private final S3ObjectReader reader;
    private final Object probeLock = new Object();
    private volatile ConditionalWrites conditionalWrites = ConditionalWrites.UNKNOWN;

    enum ConditionalWrites
    {
        UNKNOWN, ENFORCED, IGNORED, NOT_WRITABLE
    }

    S3CheckpointStore(S3AsyncClient uploads, S3AsyncClient client, SdkAsyncHttpClient http, S3StoreConfig config, ExecutorService streamReader)
    {
        this.uploads = requireNonNull(uploads, "uploads is null");
        this.client = requireNonNull(client, "client is null");
        this.http = requireNonNull(http, "http is null");
        this.config = requireNonNull(config, "config is null");
        this.location = config.location();
        this.streamReader = requireNonNull(streamReader, "streamReader is null");
        this.errors = new S3Errors(config);
        this.reader = new S3ObjectReader(client, config, errors);
    }

    /**
     * Lists at most one object under the prefix: proves, with one cheap request, that the endpoint
     * answers, the bucket exists and the credentials are accepted, so a bad store fails when it opens.
     */
    void checkBucket()
            throws IOException
    {
        try {
            join(client.listObjectsV2(request -> request.bucket(config.bucket()).prefix(config.prefix()).maxKeys(1)));
        }
        catch (CompletionException | ExecutionException e) {
            throw errors.map(e, "open", config.prefix());
        }
    }

    /**
     * What the probe found out about {@code If-None-Match: *}; {@code UNKNOWN} until the first
     * create-if-absent.
     */
    ConditionalWrites conditionalWrites()
    {
        return conditionalWrites;
    }

    // probes the server the first time it is called, once even when threads race to it
    private void probeOnce()
            throws IOException
    {
        if (conditionalWrites != ConditionalWrites.UNKNOWN) {
            return;
        }
        synchronized (probeLock) {
            if (conditionalWrites == ConditionalWrites.UNKNOWN) {
                // a probe that fails (e.g. the network) leaves UNKNOWN: the next create-if-absent tries again
                conditionalWrites = probe();
            }
        }
    }

    /**
     * Finds out whether the server enforces {@code If-None-Match: *}: creates a probe object twice;
     * the second must fail with 412. Credentials that may not write make the store read-only. The probe
     * holds a token of its own, so a 412 on the first create, after the SDK retried a request whose
     * response was lost, is told apart by reading the object back; the probe object is deleted however
     * the probe ends.
     */
    private ConditionalWrites probe()
            throws IOException
    {
        String token = UUID.randomUUID().toString();
        String key = config.prefix() + PROBE_PREFIX + token;
        byte[] data = token.getBytes(StandardCharsets.UTF_8);
        ConditionalWrites found = ConditionalWrites.UNKNOWN;
        boolean written = false;
        try {
            try {
                join(client.putObject(conditionalPut(key, data.length), AsyncRequestBody.fromBytes(data)));
            }
            catch (CompletionException | ExecutionException e) {
                if (S3Errors.isAccessDenied(e)) {
                    log.warn("Cannot write to {}: it is read-only for these credentials ({})", location, errors.map(e, "write a probe object", key).getMessage());
                    found = ConditionalWrites.NOT_WRITABLE;
                    return found;
                }
                if (!(S3Errors.isPreconditionFailed(e) && Arrays.equals(readBack(key), data))) {
                    throw errors.map(e, "write a probe object", key);
                }
                // a retry of our own create, whose first attempt succeeded but whose response was lost
            }
            written = true;
            try {
                join(client.putObject(conditionalPut(key, data.length), AsyncRequestBody.fromBytes(data)));
                found = ConditionalWrites.IGNORED;
            }
            catch (CompletionException | ExecutionException e) {
                if (!S3Errors.isPreconditionFailed(e)) {
                    throw errors.map(e, "write a probe object", key);
                }
                found = ConditionalWrites.ENFORCED;
            }
        }
        finally {
            if (found != ConditionalWrites.NOT_WRITABLE) {
                deleteProbe(key, written);
            }
        }
        if (found == ConditionalWrites.IGNORED) {
            log.warn("The S3 server at {} ignores If-None-Match: *; commits are {}", config.endpoint().map(URI::toString).orElse("AWS"),
                    config.singleWriter() ? "accepted because single-writer=true" : "refused until single-writer=true is set");
        }
        return found;
    }

    private byte[] readBack(String objectKey)
    {
        try (InputStream in = reader.open(objectKey, objectKey, 0, -1)) {
            return in.readAllBytes();
        }
        catch (IOException e) {
            return new byte[0];
        }
    }

    // a failed delete after a failed first create must not hide why the probe failed
    private void deleteProbe(String key, boolean written)
            throws IOException
    {
        try {
            deleteObjects(List.of(key));
        }
        catch (IOException e) {
            if (written) {
                throw e;
            }
            log.debug("Could not delete the probe object {}: {}", key, e.getMessage());
        }
    }

    @Override
    public URI location()
    {
        return location;
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        String objectKey = objectKey(key);
        StoreStreams.checkLength(key, length);
        checkWritable(key);
        try {
            if (length < config.multipartThreshold()) {
                byte[] bytes = StoreStreams.readExactly(key, data, length);
                join(client.putObject(put(objectKey, length), AsyncRequestBody.fromBytes(bytes)));
            }
            else {
                // fails the upload if the stream is short or long; a failed multipart upload is aborted by the SDK, so nothing becomes visible
                InputStream exact = StoreStreams.exactLength(key, data, length);
                join(uploads.putObject(put(objectKey, length), AsyncRequestBody.fromInputStream(exact, length, streamReader)));
            }
        }
        catch (CompletionException | ExecutionException e) {
            throw errors.map(e, "write", objectKey);
        }
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        String objectKey = objectKey(key);
        requireNonNull(data, "data is null");
        probeOnce();
        checkWritable(key);
        if (conditionalWrites == ConditionalWrites.IGNORED && !config.singleWriter()) {
            throw new IOException("The S3 server for " + location + " ignores If-None-Match: *, so two writers could both commit " + key
                    + ". Use a server that enforces conditional writes (AWS S3 does), or set " + S3StoreProperties.SINGLE_WRITER
                    + "=true if only one process ever writes to this repository");
        }
        try {
            join(client.putObject(conditionalPut(objectKey, data.length), AsyncRequestBody.fromBytes(data)));
        }
        catch (CompletionException | ExecutionException e) {
            if (S3Errors.isPreconditionFailed(e) || S3Errors.isConditionalConflict(e)) {
                throw StoreErrors.alreadyExists(key, config.objectUri(objectKey), null);
            }
            throw errors.map(e, "create", objectKey);
        }
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return reader.open(key, objectKey(key), 0, -1);
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        String objectKey = objectKey(key);
        StoreStreams.checkRange(key, offset, length);
        if (length == 0) {
            if (!exists(key)) {
                throw StoreErrors.notFound(key, location, null);
            }
            return InputStream.nullInputStream();
        }
        return reader.open(key, objectKey, offset, length);
    }

    @Override
    public boolean exists(String key)
            throws IOException
    {
        String objectKey = objectKey(key);
        try {
            join(client.headObject(HeadObjectRequest.builder().bucket(config.bucket()).key(objectKey).build()));
            return true;
        }
        catch (CompletionException | ExecutionException e) {
            if (S3Errors.isNotFound(e)) {
                return false;
            }
            throw errors.map(e, "check", objectKey);
        }
    }

    @Override
    public List<String> list(String prefix)
            throws IOException
    {
        StoreKeys.checkPrefix(prefix);
        String objectPrefix = config.prefix() + prefix;
        List<String> keys = new ArrayList<>();
        try {
            join(client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(config.bucket()).prefix(objectPrefix).build())
                    .contents()
                    .subscribe(object -> {
                        String key = object.key().substring(config.prefix().length());
                        if (!key.endsWith("/") && !key.startsWith(PROBE_PREFIX)) {
                            synchronized (keys) {
                                keys.add(key);
                            }
                        }
                    }));
        }
        catch (CompletionException | ExecutionException e) {
            throw errors.map(e, "list", objectPrefix);
        }
        return keys;
    }

    @Override
    public void delete(Collection<String> keys)
            throws IOException
    {
        List<String> objectKeys = keys.stream().map(this::objectKey).toList();
        checkWritable("(delete)");
        deleteObjects(objectKeys);
    }

    private void deleteObjects(List<String> objectKeys)
            throws IOException
    {
        for (int start = 0; start < objectKeys.size(); start += DELETE_BATCH) {
            List<ObjectIdentifier> batch = objectKeys.subList(start, Math.min(objectKeys.size(), start + DELETE_BATCH)).stream()
                    .map(key -> ObjectIdentifier.builder().key(key).build())
                    .toList();
            DeleteObjectsResponse response;
            try {
                response = join(client.deleteObjects(request -> request.bucket(config.bucket()).delete(Delete.builder().objects(batch).quiet(true).build())));
            }
            catch (CompletionException | ExecutionException e) {
                throw errors.map(e, "delete", batch.get(0).key() + (batch.size() > 1 ? " and " + (batch.size() - 1) + " more" : ""));
            }
            List<S3Error> failed = response.errors().stream().filter(error -> !"NoSuchKey".equals(error.code())).toList();
            if (!failed.isEmpty()) {
                S3Error first = failed.get(0);
                throw new IOException("Cannot delete s3://" + config.bucket() + "/" + first.key() + ": " + first.code() + " " + first.message()
                        + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : ""));
            }
        }
    }

    @Override
    public void close()
    {
        uploads.close();
        client.close();
        http.close();
        streamReader.shutdownNow();
    }

    @Override
    public String toString()
    {
        return "S3CheckpointStore{" + config + "}";
    }

    private String objectKey(String key)
    {
        StoreKeys.check(key);
        if (key.equals(PROBE_DIRECTORY) || key.startsWith(PROBE_PREFIX)) {
            throw new IllegalArgumentException("Store key " + key + " is reserved for conditional-write probes by the S3 store");
        }
        return config.prefix() + key;
    }

    private void checkWritable(String key)
            throws IOException
    {
        if (conditionalWrites == ConditionalWrites.NOT_WRITABLE) {
            throw new IOException("Cannot write " + key + ": access to s3://" + config.bucket() + "/" + config.prefix() + " is read-only for these credentials");
        }
    }

    private PutObjectRequest put(String objectKey, long length)
    {
        return PutObjectRequest.builder().bucket(config.bucket()).key(objectKey).contentLength(length).build();
    }

    private PutObjectRequest conditionalPut(String objectKey, long length)
    {
        return PutObjectRequest.builder().bucket(config.bucket()).key(objectKey).contentLength(length).ifNoneMatch("*").build();
    }
}
