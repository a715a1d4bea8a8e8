package io.cairn.store.contract;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.util.Optional;

/**
 * Core's memory store passes the contract. Its test is here because core cannot depend on the suite;
 * the memory store's own tests are in core.
 */
public class TestMemoryCheckpointStore
        extends AbstractCheckpointStoreTest
{
    private MemoryCheckpointStore store;

    @BeforeEach
    public void createStore()
    {
        store = new MemoryCheckpointStore("test");
    }

    @Override
    protected CheckpointStore store()
    {
        return store;
    }

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.empty();
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        // the blobs themselves are the only raw view a memory store has
        return store.keys().contains(key) ? Optional.of(store.readAllBytes(key)) : Optional.empty();
    }
}
