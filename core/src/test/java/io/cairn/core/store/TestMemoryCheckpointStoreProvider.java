package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestMemoryCheckpointStoreProvider
{
    private final CheckpointStores stores = CheckpointStores.of(new MemoryCheckpointStoreProvider());

    @Test
    public void isFoundByItsScheme()
            throws IOException
    {
        assertThat(CheckpointStores.discover().providers().get("memory")).isInstanceOf(MemoryCheckpointStoreProvider.class);
        try (CheckpointStore store = CheckpointStores.discover().open("memory:")) {
            assertThat(store.location().getScheme()).isEqualTo("memory");
            write(store, "a", "x");
            assertThat(store.readAllBytes("a")).isEqualTo(bytes("x"));
        }
    }

    @Test
    public void eachBareMemoryUriOpensAFreshStore()
            throws IOException
    {
        try (CheckpointStore first = stores.open("memory:");
                CheckpointStore second = stores.open("memory:/")) {
            write(first, "a", "first");
            assertThat(second.location()).isNotEqualTo(first.location());
            assertThat(second.list("")).isEmpty();
        }
    }

    @Test
    public void storesOpenedByOneNameShareTheirBlobsWhileAnyIsOpen()
            throws IOException
    {
        CheckpointStore first = stores.open("memory:/shared/one");
        CheckpointStore second = stores.open("memory:shared/one");
        assertThat(first.location()).isEqualTo(URI.create("memory:/shared/one")).isEqualTo(second.location());
        write(first, "a", "x");
        assertThat(second.readAllBytes("a")).isEqualTo(bytes("x"));

        first.close();
        // closing one open twice counts once
        first.close();
        assertThat(second.readAllBytes("a")).isEqualTo(bytes("x"));
        try (CheckpointStore third = stores.open("memory:/shared/one")) {
            assertThat(third.list("")).containsExactly("a");
            second.close();
            assertThat(third.list("")).containsExactly("a");
        }

        // the last open closed, the name starts empty
        try (CheckpointStore again = stores.open("memory:/shared/one")) {
            assertThat(again.list("")).isEmpty();
        }
    }

    @Test
    public void aFreshStoresLocationOpensItWhileItIsOpen()
            throws IOException
    {
        try (CheckpointStore fresh = stores.open("memory:")) {
            write(fresh, "a", "x");
            try (CheckpointStore byLocation = stores.open(fresh.location().toString())) {
                assertThat(byLocation.readAllBytes("a")).isEqualTo(bytes("x"));
            }
        }
    }

    @Test
    public void aFreshStoreNeverTakesTheNameOfAnOpenOne()
            throws IOException
    {
        MemoryCheckpointStore probe = new MemoryCheckpointStore();
        // the next two generated names
        long next = Long.parseLong(probe.location().getPath().replace("/store-", "")) + 1;
        try (CheckpointStore named = stores.open("memory:/store-" + next);
                CheckpointStore alsoNamed = stores.open("memory:/store-" + (next + 1));
                CheckpointStore fresh = stores.open("memory:")) {
            write(named, "a", "x");
            assertThat(fresh.location()).isNotIn(named.location(), alsoNamed.location());
            assertThat(fresh.list("")).isEmpty();
        }
    }

    @Test
    public void rejectsHostsBadNamesAndSettings()
    {
        assertThatThrownBy(() -> stores.open("memory://host/name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory:, memory:/name or memory:name");
        assertThatThrownBy(() -> stores.open("memory:/a/../b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Memory store name");
        assertThatThrownBy(() -> stores.open("memory:/name?size=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no settings")
                .hasMessageContaining("size");
        assertThatThrownBy(() -> stores.open("memory:", Map.of("secret", "hidden")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret")
                .hasMessageNotContaining("hidden");
        assertThatThrownBy(() -> new MemoryCheckpointStoreProvider().open(URI.create("file:/tmp"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void write(CheckpointStore store, String key, String data)
            throws IOException
    {
        store.write(key, new ByteArrayInputStream(bytes(data)), data.length());
    }

    private static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }
}
