package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.cairn.core.checkpoint.CheckpointRepository;
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

    StoreModule(String uri, boolean forWriting)
    {
        this.uri = requireNonNull(uri, "uri is null");
        this.forWriting = forWriting;
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
        return forWriting ? CheckpointRepository.create(store) : CheckpointRepository.open(store);
    }
}
