package io.cairn.storage.s3;

import io.cairn.core.store.StoreErrors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static java.util.Objects.requireNonNull;

/**
 * Reads objects with GETs that survive a cut download. The SDK retries a GET only until its response
 * headers arrive; a body cut after that (a reset, a read timeout, a short body) would fail the read.
 * Here it resumes with a ranged GET from the byte where it stopped, pinned to the object's ETag so that
 * the bytes can only come from the same object, at most {@code max-attempts} times in a row without
 * progress; after that it fails naming the object, the store and what to do. It never returns bytes
 * of another version of the object, and never a short read as if it were the whole object.
 */
final class S3ObjectReader
{
    private final S3AsyncClient client;
    private final S3StoreConfig config;
    private final S3Errors errors;

    S3ObjectReader(S3AsyncClient client, S3StoreConfig config, S3Errors errors)
    {
        this.client = requireNonNull(client, "client is null");
        this.config = requireNonNull(config, "config is null");
        this.errors = requireNonNull(errors, "errors is null");
    }

    /**
     * Opens {@code length} bytes from {@code offset} ({@code length < 0}: to the end of the object).
     *
     * @throws FileNotFoundException if there is no such object
     */
    InputStream open(String key, String objectKey, long offset, long length)
            throws IOException
    {
        long last = length < 0 ? -1 : offset + length - 1;
        ResponseInputStream<GetObjectResponse> first;
        try {
            first = get(objectKey, offset, last, null);
        }
        catch (CompletionException | ExecutionException e) {
            if (S3Errors.isNotFound(e)) {
                throw StoreErrors.notFound(key, config.location(), null);
            }
            if (S3Errors.isInvalidRange(e)) {
                // the offset is at or past the end of an existing object
                return InputStream.nullInputStream();
            }
            throw errors.map(e, "read", objectKey);
        }
        Long contentLength = first.response().contentLength();
        long end = contentLength == null ? -1 : offset + contentLength;
        return new ResumingStream(objectKey, first, offset, end, first.response().eTag());
    }

    private ResponseInputStream<GetObjectResponse> get(String objectKey, long from, long last, String eTag)
            throws ExecutionException
    {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(config.bucket()).key(objectKey);
        if (from > 0 || last >= 0) {
            request.range("bytes=" + from + "-" + (last >= 0 ? last : ""));
        }
        if (eTag != null) {
            request.ifMatch(eTag);
        }
        return S3Errors.join(client.getObject(request.build(), AsyncResponseTransformer.toBlockingInputStream()));
    }

    /**
     * One object's bytes from {@code position} to {@code end}, resumed from where a cut left them.
     */
    private final class ResumingStream
            extends InputStream
    {
        private final String objectKey;
        private final long end;
        private final String eTag;
        private ResponseInputStream<GetObjectResponse> body;
        private long position;
        private int cutsWithoutProgress;
        private int cuts;
        private boolean closed;

        ResumingStream(String objectKey, ResponseInputStream<GetObjectResponse> body, long position, long end, String eTag)
        {
            this.objectKey = objectKey;
            this.body = body;
            this.position = position;
            this.end = end;
            this.eTag = eTag;
        }

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            if (closed) {
                throw new IOException("Stream of " + config.objectUri(objectKey) + " is closed");
            }
            if (length == 0) {
                return 0;
            }
            while (true) {
                Throwable cut;
                try {
                    int read = body.read(buffer, offset, length);
                    if (read > 0) {
                        position += read;
                        cutsWithoutProgress = 0;
                        return read;
                    }
                    if (read < 0 && (end < 0 || position >= end)) {
                        return -1;
                    }
                    cut = new IOException("the response ended at byte " + position + " of " + end);
                }
                catch (IOException | UncheckedIOException | SdkException e) {
                    cut = e;
                }
                resume(cut);
            }
        }

        private void resume(Throwable cut)
                throws IOException
        {
            cuts++;
            cutsWithoutProgress++;
            closeQuietly();
            String where = config.objectUri(objectKey);
            if (cutsWithoutProgress >= config.maxAttempts() || cuts >= 4 * config.maxAttempts()) {
                throw new IOException("Cannot read " + where + ": the download was cut " + cuts + " times, the last at byte " + position + " ("
                        + StoreErrors.firstLine(S3Errors.unwrap(cut)) + "); the S3 endpoint " + config.endpoint().map(URI::toString).orElse("AWS")
                        + " is failing or unreachable: check the network and retry", cut);
            }
            try {
                Thread.sleep(Math.min(1000, 50L << Math.min(cutsWithoutProgress, 5)));
                body = get(objectKey, position, end < 0 ? -1 : end - 1, eTag);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while resuming the read of " + where, e);
            }
            catch (CompletionException | ExecutionException e) {
                if (S3Errors.isPreconditionFailed(e)) {
                    throw new IOException("Cannot read " + where + ": it was replaced while being read (its ETag changed after byte " + position + "); read it again", e);
                }
                IOException failed = new IOException(errors.map(e, "read", objectKey).getMessage() + " (resuming the download cut at byte " + position + ")", e);
                failed.addSuppressed(cut);
                throw failed;
            }
        }

        private void closeQuietly()
        {
            try {
                body.abort();
                body.close();
            }
            catch (IOException | RuntimeException e) {
                // the connection is already gone
            }
        }

        @Override
        public void close()
        {
            if (!closed) {
                closed = true;
                closeQuietly();
            }
        }
    }
}
