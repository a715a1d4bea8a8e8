package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestForwardingCheckpointStore
{
    @Test
    public void overridesEveryMethodOfTheSpiDefaultsIncluded()
    {
        for (Method method : CheckpointStore.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            assertThat(declaredOverride(method)).as(method.toString()).isTrue();
        }
    }

    @Test
    public void forwardsEveryCallWithItsArgumentsAndResult()
            throws Exception
    {
        List<String> calls = new ArrayList<>();
        InputStream stream = new ByteArrayInputStream(new byte[0]);
        CheckpointStore delegate = (CheckpointStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CheckpointStore.class},
                (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? List.of() : List.of(args)));
                    return switch (method.getName()) {
                        case "location" -> URI.create("memory:/delegate");
                        case "read" -> stream;
                        case "exists" -> true;
                        case "list" -> List.of("listed");
                        case "readAllBytes" -> bytes("all");
                        case "toString" -> "delegate";
                        default -> null;
                    };
                });
        byte[] data = bytes("data");
        CheckpointStore forwarding = new ForwardingCheckpointStore(delegate) {};

        assertThat(forwarding.location()).isEqualTo(URI.create("memory:/delegate"));
        forwarding.write("w", stream, 7);
        forwarding.createIfAbsent("c", data);
        assertThat(forwarding.read("r")).isSameAs(stream);
        assertThat(forwarding.read("r", 3, 4)).isSameAs(stream);
        assertThat(forwarding.exists("e")).isTrue();
        assertThat(forwarding.list("p/")).containsExactly("listed");
        forwarding.delete(List.of("d1", "d2"));
        assertThat(forwarding.readAllBytes("a")).isEqualTo(bytes("all"));
        forwarding.close();

        assertThat(calls).containsExactly(
                "location[]",
                "write[w, " + stream + ", 7]",
                "createIfAbsent[c, " + data + "]",
                "read[r]",
                "read[r, 3, 4]",
                "exists[e]",
                "list[p/]",
                "delete[[d1, d2]]",
                // the defaults go to the delegate's own, not through this store's read
                "readAllBytes[a]",
                "close[]");
    }

    @Test
    public void theDelegatesExceptionsReachTheCaller()
            throws IOException
    {
        MemoryCheckpointStore memory = new MemoryCheckpointStore();
        CheckpointStore forwarding = new ForwardingCheckpointStore(memory) {};
        forwarding.createIfAbsent("a", bytes("x"));
        assertThatThrownBy(() -> forwarding.createIfAbsent("a", bytes("y"))).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> forwarding.read("missing")).isInstanceOf(FileNotFoundException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> forwarding.write("../a", new ByteArrayInputStream(new byte[0]), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(forwarding).hasToString(memory.location().toString());
    }

    @Test
    public void aDecoratorOverridesOnlyWhatItChanges()
            throws IOException
    {
        MemoryCheckpointStore memory = new MemoryCheckpointStore();
        AtomicLong written = new AtomicLong();
        // a metering store: counts the bytes written, everything else as the delegate does it
        CheckpointStore metered = new ForwardingCheckpointStore(memory)
        {
            @Override
            public void write(String key, InputStream data, long length)
                    throws IOException
            {
                super.write(key, data, length);
                written.addAndGet(length);
            }
        };
        metered.write("a/b", new ByteArrayInputStream(bytes("12345")), 5);
        metered.write("a/c", new ByteArrayInputStream(bytes("123")), 3);
        assertThat(written).hasValue(8);
        assertThat(metered.readAllBytes("a/b")).isEqualTo(bytes("12345"));
        assertThat(metered.list("a/")).containsExactlyInAnyOrder("a/b", "a/c");
        assertThat(metered.location()).isEqualTo(memory.location());
        assertThatThrownBy(() -> new ForwardingCheckpointStore(null) {})
                .isInstanceOf(NullPointerException.class)
                .hasMessage("delegate is null");
    }

    private static boolean declaredOverride(Method method)
    {
        try {
            ForwardingCheckpointStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return true;
        }
        catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }
}
