package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Resolves the store from its URI through the providers on the path ({@code ServiceLoader}), and the
 * repository on it: created if absent for writers, required to exist for readers.
 */
final class StoreModule
        extends AbstractModule
{
    private final String uri;
    private final boolean forWriting;
    private final int chunkSize;
    private final int uploadThreads;

    private StoreModule(String uri, boolean forWriting, int chunkSize, int uploadThreads)
    {
        this.uri = requireNonNull(uri, "uri is null");
        this.forWriting = forWriting;
        this.chunkSize = chunkSize;
        this.uploadThreads = uploadThreads;
    }

    static StoreModule forReading(String uri)
    {
        return new StoreModule(uri, false, RepositoryDescriptor.DEFAULT_CHUNK_SIZE, 4);
    }

    /**
     * @param chunkSize the chunk size of a repository created now (an existing one keeps its own)
     */
    static StoreModule forWriting(String uri, int chunkSize, int uploadThreads)
    {
        return new StoreModule(uri, true, chunkSize, uploadThreads);
    }

    @Provides
    @Singleton
    CheckpointStores stores()
    {
        return CheckpointStores.discover();
    }

    @Provides
    @Singleton
    CheckpointStore store(CheckpointStores stores)
            throws IOException
    {
        return stores.open(uri);
    }

    @Provides
    @Singleton
    CheckpointRepository repository(CheckpointStore store)
            throws IOException
    {
        return forWriting ? CheckpointRepository.create(store, chunkSize, uploadThreads) : CheckpointRepository.open(store);
    }
}
