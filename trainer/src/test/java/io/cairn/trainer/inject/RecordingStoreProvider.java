package io.cairn.trainer.inject;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;

import java.io.IOException;
import java.net.URI;
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
            extends ForwardingCheckpointStore
    {
        private final AtomicInteger closes = new AtomicInteger();

        RecordingStore(String name)
        {
            super(new MemoryCheckpointStore(name));
        }

        int closes()
        {
            return closes.get();
        }

        @Override
        public void close()
                throws IOException
        {
            closes.incrementAndGet();
            super.close();
        }
    }
}
