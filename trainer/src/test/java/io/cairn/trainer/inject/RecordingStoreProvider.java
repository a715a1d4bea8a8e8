package io.cairn.trainer.inject;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.MemoryCheckpointStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code recording:} scheme, as a program's own store provider: a store in memory that counts how
 * often it is closed. No {@code ServiceLoader} file names it; tests bind it through the Multibinder.
 */
public final class RecordingStoreProvider
        implements CheckpointStoreProvider
{
    static final String SCHEME = "recording";

    @Override
    public String scheme()
    {
        return SCHEME;
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
    {
        return new RecordingStore(uri.getPath().replaceAll("^/+", ""));
    }

    static final class RecordingStore
            implements CheckpointStore
    {
        private final MemoryCheckpointStore memory;
        private final AtomicInteger closes = new AtomicInteger();

        RecordingStore(String name)
        {
            this.memory = new MemoryCheckpointStore(name);
        }

        int closes()
        {
            return closes.get();
        }

        @Override
        public URI location()
        {
            return memory.location();
        }

        @Override
        public void write(String key, InputStream data, long length)
                throws IOException
        {
            memory.write(key, data, length);
        }

        @Override
        public void createIfAbsent(String key, byte[] data)
                throws IOException
        {
            memory.createIfAbsent(key, data);
        }

        @Override
        public InputStream read(String key)
                throws IOException
        {
            return memory.read(key);
        }

        @Override
        public InputStream read(String key, long offset, long length)
                throws IOException
        {
            return memory.read(key, offset, length);
        }

        @Override
        public boolean exists(String key)
                throws IOException
        {
            return memory.exists(key);
        }

        @Override
        public List<String> list(String prefix)
                throws IOException
        {
            return memory.list(prefix);
        }

        @Override
        public void delete(Collection<String> keys)
                throws IOException
        {
            memory.delete(keys);
        }

        @Override
        public void close()
                throws IOException
        {
            closes.incrementAndGet();
            memory.close();
        }
    }
}
