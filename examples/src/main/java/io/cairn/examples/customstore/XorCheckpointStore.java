package io.cairn.examples.customstore;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.StoreKeys;
import io.cairn.core.store.StoreStreams;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * Keeps every blob XORed with a repeating key in another store: a stand-in for an encrypting store (XOR
 * is not encryption). It changes the bytes and the location, so it overrides only those methods; list,
 * exists and delete go to the inner store as they are. A blob passes through memory whole (a chunk is
 * 4 MiB by default); a real cipher would stream.
 */
final class XorCheckpointStore
        extends ForwardingCheckpointStore
{
    private final byte[] mask;

    XorCheckpointStore(CheckpointStore inner, byte[] mask)
    {
        super(inner);
        this.mask = mask.clone();
    }

    @Override
    public URI location()
    {
        return URI.create(XorCheckpointStoreProvider.SCHEME + ":" + super.location());
    }

    @Override
    public void write(String key, InputStream data, long length)
            throws IOException
    {
        // checks the key and the length before reading the stream, and fails on a stream of another length
        byte[] plain = StoreStreams.readExactly(StoreKeys.check(key), data, StoreStreams.checkLength(key, length));
        super.write(key, new ByteArrayInputStream(xor(plain, mask, 0)), length);
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        super.createIfAbsent(key, xor(data, mask, 0));
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return new ByteArrayInputStream(readAllBytes(key));
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        try (InputStream in = super.read(key, offset, length)) {
            return new ByteArrayInputStream(xor(in.readAllBytes(), mask, offset));
        }
    }

    @Override
    public byte[] readAllBytes(String key)
            throws IOException
    {
        return xor(super.readAllBytes(key), mask, 0);
    }

    /**
     * The bytes XORed with the key, for bytes that start at {@code position} in their blob.
     */
    static byte[] xor(byte[] data, byte[] mask, long position)
    {
        byte[] result = data.clone();
        for (int i = 0; i < result.length; i++) {
            result[i] ^= mask[(int) ((position + i) % mask.length)];
        }
        return result;
    }
}
