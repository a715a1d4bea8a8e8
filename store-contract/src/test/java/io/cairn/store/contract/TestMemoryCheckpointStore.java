package io.cairn.store.contract;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Core's memory store, opened by name through its {@code memory:} provider, passes the contract. Its
 * test is here because core cannot depend on the suite; the memory store's own tests are in core.
 */
public class TestMemoryCheckpointStore
        extends AbstractCheckpointStoreTest
{
    // a new name for each test: a named memory store lives while any open of it is
    private final String uri = "memory:/contract-" + UUID.randomUUID();

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.of(uri);
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        // a memory store has no client of its own: another open of the same name is the nearest to a raw view
        try (CheckpointStore raw = CheckpointStores.discover().open(uri)) {
            return raw.exists(key) ? Optional.of(raw.readAllBytes(key)) : Optional.empty();
        }
    }
}
