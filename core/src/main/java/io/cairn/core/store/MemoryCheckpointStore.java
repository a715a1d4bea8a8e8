package io.cairn.core.store;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * A store held in memory, for tests. Blobs are copied in and never change afterwards, so readers
 * always see a whole blob. Tests can look at and damage the stored data with {@link #keys()} and
 * {@link #put}, and make writes fail with {@link #failWritesWith}.
 */
public final class MemoryCheckpointStore
        implements CheckpointStore
{
    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final URI location;
    private final ConcurrentMap<String, byte[]> blobs = new ConcurrentHashMap<>();
    private volatile IOException writeFailure;

    public MemoryCheckpointStore()
    {
        this("store-" + NEXT_ID.incrementAndGet());
    }

    public MemoryCheckpointStore(String name)
    {
        StoreKeys.checkPath(requireNonNull(name, "name is null"), "Memory store name");
        try {
            this.location = new URI("memory", null, "/" + name, null);
        }
        catch (URISyntaxException e) {
            throw new IllegalArgumentException("Memory store name is not valid in a URI: " + name, e);
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
        StoreKeys.check(key);
        requireNonNull(data, "data is null");
        StoreStreams.checkLength(key, length);
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Blob length for " + key + " must be at most " + (Integer.MAX_VALUE - 8) + " in a memory store: " + length);
        }
        throwIfWritesFail();
        blobs.put(key, StoreStreams.readExactly(key, data, length));
    }

    @Override
    public void createIfAbsent(String key, byte[] data)
            throws IOException
    {
        StoreKeys.check(key);
        requireNonNull(data, "data is null");
        throwIfWritesFail();
        if (blobs.putIfAbsent(key, data.clone()) != null) {
            throw StoreErrors.alreadyExists(key, location + "/" + key, null);
        }
    }

    @Override
    public InputStream read(String key)
            throws IOException
    {
        return new ByteArrayInputStream(blob(StoreKeys.check(key)));
    }

    @Override
    public InputStream read(String key, long offset, long length)
            throws IOException
    {
        StoreKeys.check(key);
        StoreStreams.checkRange(key, offset, length);
        byte[] blob = blob(key);
        int start = (int) Math.min(offset, blob.length);
        int count = (int) Math.min(length, blob.length - start);
        return new ByteArrayInputStream(blob, start, count);
    }

    @Override
    public boolean exists(String key)
    {
        return blobs.containsKey(StoreKeys.check(key));
    }

    @Override
    public List<String> list(String prefix)
    {
        StoreKeys.checkPrefix(prefix);
        List<String> keys = new ArrayList<>();
        for (String key : blobs.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    @Override
    public void delete(Collection<String> keys)
    {
        // validate every key before deleting any
        keys.forEach(StoreKeys::check);
        keys.forEach(blobs::remove);
    }

    /**
     * Stores the bytes under the key as they are, bypassing failure injection: for tests that damage
     * a repository.
     */
    public void put(String key, byte[] data)
    {
        blobs.put(StoreKeys.check(key), data.clone());
    }

    /**
     * The stored keys, sorted.
     */
    public Set<String> keys()
    {
        return new TreeSet<>(blobs.keySet());
    }

    /**
     * Makes every later {@link #write} and {@link #createIfAbsent} throw the exception, without storing
     * anything; {@code null} makes them work again.
     */
    public void failWritesWith(IOException failure)
    {
        this.writeFailure = failure;
    }

    private void throwIfWritesFail()
            throws IOException
    {
        IOException failure = writeFailure;
        if (failure != null) {
            throw failure;
        }
    }

    private byte[] blob(String key)
            throws FileNotFoundException
    {
        byte[] blob = blobs.get(key);
        if (blob == null) {
            throw StoreErrors.notFound(key, location, null);
        }
        return blob;
    }

    @Override
    public String toString()
    {
        return location.toString();
    }
}
