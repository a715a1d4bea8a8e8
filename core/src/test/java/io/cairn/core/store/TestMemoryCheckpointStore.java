package io.cairn.core.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only the memory store has. It passes the contract suite in cairn-store-contract, opened through
 * its {@code memory:} provider (core cannot depend on the suite).
 */
public class TestMemoryCheckpointStore
{
    private MemoryCheckpointStore store;

    @BeforeEach
    public void createStore()
    {
        store = new MemoryCheckpointStore("test");
    }

    @Test
    public void locationNamesTheStore()
    {
        assertThat(store.location()).hasToString("memory:/test");
        assertThat(new MemoryCheckpointStore("my store").location().getPath()).isEqualTo("/my store");
        assertThat(new MemoryCheckpointStore().location()).isNotEqualTo(new MemoryCheckpointStore().location());
        assertThatThrownBy(() -> new MemoryCheckpointStore("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void putOverwritesRawBytesAndKeysListsThemSorted()
            throws IOException
    {
        store.createIfAbsent("b/manifest", bytes("good"));
        store.put("b/manifest", bytes("damaged"));
        store.put("a/chunk", bytes("chunk"));
        assertThat(store.readAllBytes("b/manifest")).isEqualTo(bytes("damaged"));
        assertThat(store.keys()).containsExactly("a/chunk", "b/manifest");
        assertThatThrownBy(() -> store.put("../x", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void storedBlobsDoNotChangeWhenTheCallersArrayDoes()
            throws IOException
    {
        byte[] data = bytes("original");
        store.createIfAbsent("created", data);
        store.put("put", data);
        data[0] = 'X';
        assertThat(store.readAllBytes("created")).isEqualTo(bytes("original"));
        assertThat(store.readAllBytes("put")).isEqualTo(bytes("original"));
    }

    @Test
    public void injectedWriteFailureFailsWritesUntilCleared()
            throws IOException
    {
        IOException failure = new IOException("disk full");
        store.failWritesWith(failure);
        assertThatThrownBy(() -> write("a", bytes("x"))).isSameAs(failure);
        assertThatThrownBy(() -> store.createIfAbsent("a", bytes("x"))).isSameAs(failure);
        // keys are still checked first
        assertThatThrownBy(() -> store.write("../a", new ByteArrayInputStream(new byte[0]), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.createIfAbsent("/a", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.keys()).isEmpty();

        store.failWritesWith(null);
        store.createIfAbsent("a", bytes("x"));
        assertThat(store.keys()).containsExactly("a");
    }

    private void write(String key, byte[] data)
            throws IOException
    {
        store.write(key, new ByteArrayInputStream(data), data.length);
    }

    private static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }
}
