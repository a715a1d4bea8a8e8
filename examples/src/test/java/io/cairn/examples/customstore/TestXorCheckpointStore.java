package io.cairn.examples.customstore;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.store.contract.AbstractCheckpointStoreTest;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

public class TestXorCheckpointStore
        extends AbstractCheckpointStoreTest
{
    private final String inner = "memory:/" + UUID.randomUUID();

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.of("xor:" + inner);
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        try (CheckpointStore raw = CheckpointStores.discover().open(inner)) {
            return raw.exists(key) ? Optional.of(XorCheckpointStore.xor(raw.readAllBytes(key), XorCheckpointStoreProvider.mask(Map.of()), 0)) : Optional.empty();
        }
    }
}
