package io.cairn.core.store;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.Collection;
import java.util.List;

/**
 * A flat key to bytes store: the only thing a storage backend implements. Everything above it
 * (chunking, manifests, retention, garbage collection) lives in core once.
 *
 * <p>Keys are relative and {@code /}-separated; every method validates them with {@link StoreKeys#check}.
 * Keep this interface small: each new operation is one more thing every backend must get right.
 */
public interface CheckpointStore
        extends Closeable
{
    /**
     * Where this store lives, for messages and listings; never contains credentials.
     */
    URI location();

    /**
     * Writes a blob of known length, replacing any existing one. Readers see either the old blob,
     * nothing, or the whole new one; never a part.
     */
    void write(String key, InputStream data, long length)
            throws IOException;

    /**
     * Writes a blob only if none exists under the key. Exactly one of two racing writers succeeds; the
     * other gets {@link FileAlreadyExistsException}. The blob is durable when this returns.
     */
    void createIfAbsent(String key, byte[] data)
            throws IOException;

    /**
     * Opens a blob for reading.
     *
     * @throws FileNotFoundException if there is no blob under the key
     */
    InputStream read(String key)
            throws IOException;

    /**
     * Reads {@code length} bytes from {@code offset} (fewer at the end of the blob).
     *
     * @throws FileNotFoundException if there is no blob under the key
     */
    InputStream read(String key, long offset, long length)
            throws IOException;

    boolean exists(String key)
            throws IOException;

    /**
     * Every key that starts with the prefix, in any order. An empty prefix lists the whole store.
     */
    List<String> list(String prefix)
            throws IOException;

    /**
     * Deletes the blobs; keys with no blob are ignored.
     */
    void delete(Collection<String> keys)
            throws IOException;

    default byte[] readAllBytes(String key)
            throws IOException
    {
        try (InputStream in = read(key)) {
            return in.readAllBytes();
        }
    }

    @Override
    default void close()
            throws IOException
    {}
}
