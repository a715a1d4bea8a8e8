package io.cairn.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * At most {@code length} bytes of a stream, positioned where the range starts: what a store returns
 * from {@link CheckpointStore#read(String, long, long)}. Closing it closes the stream.
 */
public final class LimitedInputStream
        extends InputStream
{
    private final InputStream in;
    private long remaining;

    public LimitedInputStream(InputStream in, long length)
    {
        this.in = requireNonNull(in, "in is null");
        if (length < 0) {
            throw new IllegalArgumentException("Length must not be negative: " + length);
        }
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
    public int read(byte[] buffer, int offset, int length)
            throws IOException
    {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        if (remaining <= 0) {
            return -1;
        }
        int count = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (count < 0) {
            remaining = 0;
            return -1;
        }
        remaining -= count;
        return count;
    }

    @Override
    public long skip(long n)
            throws IOException
    {
        long skipped = in.skip(Math.min(Math.max(n, 0), remaining));
        remaining -= skipped;
        return skipped;
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
