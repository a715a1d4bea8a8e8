package io.cairn.core.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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

    /**
     * A {@link LimitedInputStream} that counts what it delivers, to tell a source that ends early from
     * one that reached the length, and looks for one byte more when it reaches the length.
     */
    private static final class ExactLengthInputStream
            extends FilterInputStream
    {
        private final String key;
        private final InputStream source;
        private final long length;
        private long remaining;
        private boolean endChecked;

        ExactLengthInputStream(String key, InputStream source, long length)
        {
            super(new LimitedInputStream(source, length));
            this.key = key;
            this.source = source;
            this.length = length;
            this.remaining = length;
        }

        @Override
        public int read()
                throws IOException
        {
            int value = super.read();
            delivered(value < 0 ? -1 : 1);
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int count)
                throws IOException
        {
            int read = super.read(buffer, offset, count);
            delivered(read);
            return read;
        }

        @Override
        public long skip(long count)
                throws IOException
        {
            long skipped = super.skip(count);
            remaining -= skipped;
            if (remaining == 0) {
                checkEnd();
            }
            return skipped;
        }

        private void delivered(int count)
                throws IOException
        {
            if (count < 0 && remaining > 0) {
                throw new IOException("Stream for " + key + " ended after " + (length - remaining) + " of " + length + " bytes");
            }
            remaining -= Math.max(count, 0);
            if (remaining == 0) {
                checkEnd();
            }
        }

        private void checkEnd()
                throws IOException
        {
            if (!endChecked) {
                if (source.read() != -1) {
                    throw new IOException("Stream for " + key + " is longer than the declared " + length + " bytes");
                }
                endChecked = true;
            }
        }
    }
}
