package io.cairn.examples.customstore;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestXorCheckpointStoreProvider
{
    @Test
    void isFoundByItsSchemeOnTheModulePath()
    {
        assertThat(CheckpointStores.discover().providers().get("xor")).isInstanceOf(XorCheckpointStoreProvider.class);
        // surefire's default: the tests run in this module, on the module path, and the provider is found
        // through the module's provides clause
        assertThat(XorCheckpointStoreProvider.class.getModule().getName()).isEqualTo("io.cairn.examples");
        assertThat(getClass().getModule().getName()).isEqualTo("io.cairn.examples");
    }

    @Test
    void theKeyOptionIsTheStoresAndTheOtherOptionsGoToTheInnerStore()
            throws IOException
    {
        String inner = "memory:/xor-key-option";
        try (CheckpointStore store = CheckpointStores.discover().open("xor:" + inner, Map.of("key", "k3y"));
                CheckpointStore raw = CheckpointStores.discover().open(inner)) {
            assertThat(store.location()).isEqualTo(URI.create("xor:" + inner));
            store.createIfAbsent("a", bytes("plain"));
            assertThat(raw.readAllBytes("a")).isEqualTo(XorCheckpointStore.xor(bytes("plain"), bytes("k3y"), 0)).isNotEqualTo(bytes("plain"));
            assertThat(store.readAllBytes("a")).isEqualTo(bytes("plain"));
        }
        // the memory store has no settings, so it names the one it was handed
        assertThatThrownBy(() -> CheckpointStores.discover().open("xor:memory:", Map.of("key", "k", "size", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @Test
    void doesNotWrapItself()
    {
        assertThatThrownBy(() -> CheckpointStores.discover().open("xor:XOR:memory:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an xor: one");
    }

    private static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }
}
