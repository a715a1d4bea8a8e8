package io.cairn.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * The byte handling every {@link CheckpointStore} needs, done once for store authors: the checks of a
 * write's length and a read's range, and the exact-length copy behind
 * {@link CheckpointStore#write(String, InputStream, long)}. Every message names the key.
 */
public final class StoreStreams
{
    private StoreStreams() {}

    /**
     * Returns the length of a write if it is not negative, else throws {@link IllegalArgumentException}
     * naming the key.
     */
    public static long checkLength(String key, long length)
    {
        if (length < 0) {
            throw new IllegalArgumentException("Blob length for " + key + " must not be negative: " + length);
        }
        return length;
    }

    /**
     * Checks the range of {@link CheckpointStore#read(String, long, long)}: neither the offset nor
     * the length may be negative. A range past the end of the blob is valid (and reads as empty).
     */
    public static void checkRange(String key, long offset, long length)
    {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("Range of " + key + " must not be negative: offset " + offset + ", length " + length);
        }
    }

    /**
     * The first {@code length} bytes of {@code data}, as a stream that fails with an {@link IOException}
     * naming the key when {@code data} ends early, or has more bytes, which it checks as soon as the
     * last byte is read (a reader that stops at the length still sees the failure). Give it to a
     * client that uploads a stream of declared length; closing it closes {@code data}.
     */
    public static InputStream exactLength(String key, InputStream data, long length)
    {
        return new ExactLengthInputStream(requireNonNull(key, "key is null"), requireNonNull(data, "data is null"), checkLength(key, length));
    }

    /**
     * Reads exactly {@code length} bytes of {@code data}, for blobs small enough for one array.
     *
     * @throws IOException naming the key when {@code data} has fewer or more bytes
     */
    public static byte[] readExactly(String key, InputStream data, long length)
            throws IOException
    {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Blob length for " + key + " is too large for one array: " + length);
        }
        byte[] bytes = new byte[(int) length];
        InputStream exact = exactLength(key, data, length);
        int done = 0;
        while (done < bytes.length) {
            done += exact.read(bytes, done, bytes.length - done);
        }
        // an empty blob has had no last byte: this read checks that the stream is empty too
        exact.read();
        return bytes;
    }

    /**
     * Copies exactly {@code length} bytes of {@code data} to {@code out}, through a buffer of at most
     * {@code bufferSize} bytes (less for a short blob).
     *
     * @throws IOException from either stream, or naming the key when {@code data} has fewer or more bytes
     */
    public static void copyExactly(String key, InputStream data, long length, OutputStream out, int bufferSize)
            throws IOException
    {
        copy(exactLength(key, data, length), out, (int) Math.min(bufferSize, Math.max(length, 1)));
    }

    /**
     * Copies all of {@code in} to {@code out} through a buffer of {@code bufferSize} bytes and returns
     * the count; for a store that wraps {@link #exactLength} in a stream of its own.
     */
    public static long copy(InputStream in, OutputStream out, int bufferSize)
            throws IOException
    {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("Buffer size must be positive: " + bufferSize);
        }
        byte[] buffer = new byte[bufferSize];
        long total = 0;
        for (int count = in.read(buffer); count >= 0; count = in.read(buffer)) {
            out.write(buffer, 0, count);
            total += count;
        }
        return total;
    }

    private static final class ExactLengthInputStream
            extends InputStream
    {
        private final String key;
        private final InputStream in;
        private final long length;
        private long remaining;
        private boolean endChecked;

        ExactLengthInputStream(String key, InputStream in, long length)
        {
            this.key = key;
            this.in = in;
            this.length = length;
            this.remaining = length;
        }

        @Override
        public int read()
                throws IOException
        {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int count)
                throws IOException
        {
            Objects.checkFromIndexSize(offset, count, buffer.length);
            if (remaining == 0) {
                checkEnd();
                return -1;
            }
            if (count == 0) {
                return 0;
            }
            int read = in.read(buffer, offset, (int) Math.min(count, remaining));
            if (read < 0) {
                throw new IOException("Stream for " + key + " ended after " + (length - remaining) + " of " + length + " bytes");
            }
            remaining -= read;
            if (remaining == 0) {
                checkEnd();
            }
            return read;
        }

        private void checkEnd()
                throws IOException
        {
            if (!endChecked) {
                if (in.read() != -1) {
                    throw new IOException("Stream for " + key + " is longer than the declared " + length + " bytes");
                }
                endChecked = true;
            }
        }

        @Override
        public int available()
                throws IOException
        {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close()
                throws IOException
        {
            in.close();
        }
    }
}
