package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;

import java.io.FileNotFoundException;
import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * Resolves the store from its URI and options through the providers on the path
 * ({@code ServiceLoader}), and the repository on it: created if absent for writers, required to exist
 * for readers. A URI or setting the provider rejects, and a missing repository for a reader, are bad
 * usage.
 */
final class StoreModule
        extends AbstractModule
{
    private final StoreLocation location;
    private final boolean forWriting;
    private final int chunkSize;
    private final int uploadThreads;

    private StoreModule(StoreLocation location, boolean forWriting, int chunkSize, int uploadThreads)
    {
        this.location = requireNonNull(location, "location is null");
        this.forWriting = forWriting;
        this.chunkSize = chunkSize;
        this.uploadThreads = uploadThreads;
    }

    static StoreModule forReading(StoreLocation location)
    {
        return new StoreModule(location, false, RepositoryDescriptor.DEFAULT_CHUNK_SIZE, 4);
    }

    /**
     * The existing repository at the location, for a command that reads it (or sweeps it).
     */
    static CheckpointRepository openForReading(StoreLocation location)
    {
        return Guice.createInjector(forReading(location)).getInstance(CheckpointRepository.class);
    }

    /**
     * @param chunkSize the chunk size of a repository created now (an existing one keeps its own)
     */
    static StoreModule forWriting(StoreLocation location, int chunkSize, int uploadThreads)
    {
        return new StoreModule(location, true, chunkSize, uploadThreads);
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
        return location.open(stores);
    }

    @Provides
    @Singleton
    CheckpointRepository repository(CheckpointStore store)
            throws IOException
    {
        try {
            return forWriting ? CheckpointRepository.create(store, chunkSize, uploadThreads) : open(store);
        }
        catch (IOException | RuntimeException e) {
            // the repository owns the store once made; until then, this does
            try {
                store.close();
            }
            catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static CheckpointRepository open(CheckpointStore store)
            throws IOException
    {
        try {
            return CheckpointRepository.open(store);
        }
        catch (FileNotFoundException e) {
            // a command that reads was pointed where no repository is
            throw new UsageException(e.getMessage(), e);
        }
    }
}
