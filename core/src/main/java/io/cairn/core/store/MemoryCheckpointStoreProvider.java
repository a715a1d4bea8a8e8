package io.cairn.core.store;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * Opens {@code memory:} stores: a {@link MemoryCheckpointStore} in this process, gone when the process
 * ends. For tests, demos, and programs that hand checkpoints between threads.
 * <ul>
 * <li>{@code memory:} (or {@code memory:/}) opens a fresh, empty store. It gets a name of its own, which
 * its {@link CheckpointStore#location()} shows ({@code memory:/store-7}).</li>
 * <li>{@code memory:/name} (or {@code memory:name}) opens the store of that name: every store opened by
 * one name, a fresh store's included, shares the same blobs while any of them is open. Closing the last
 * one drops the blobs; the next open of the name starts empty.</li>
 * </ul>
 * A name follows the rules of a store key (relative, {@code /}-separated, no {@code ..}). The store has
 * no settings, so any option or URI parameter is an error.
 */
public final class MemoryCheckpointStoreProvider
        implements CheckpointStoreProvider
{
    public static final String SCHEME = "memory";

    // the open stores by name, with how many opens share each; guarded by itself
    private static final Map<String, Shared> OPEN = new HashMap<>();

    @Override
    public String scheme()
    {
        return SCHEME;
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not a memory: URI: " + CheckpointStores.redact(uri));
        }
        // memory:name is memory:/name
        URI hierarchical = uri.isOpaque() ? URI.create(SCHEME + ":/" + uri.getRawSchemeSpecificPart()) : uri;
        if (hierarchical.getRawAuthority() != null || hierarchical.getRawFragment() != null) {
            throw new IllegalArgumentException("Memory store URI must be memory:, memory:/name or memory:name: " + CheckpointStores.redact(uri));
        }
        Set<String> settings = new TreeSet<>(StoreSettings.parseQuery(hierarchical.getRawQuery()).keySet());
        settings.addAll(options.keySet());
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("A memory store has no settings; got " + String.join(", ", settings) + " from the URI or the store options");
        }
        String path = hierarchical.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return openFresh();
        }
        String name = path.substring(1);
        StoreKeys.checkPath(name, "Memory store name in " + CheckpointStores.redact(uri));
        synchronized (OPEN) {
            return new Handle(OPEN.computeIfAbsent(name, ignored -> new Shared(new MemoryCheckpointStore(name))));
        }
    }

    private static CheckpointStore openFresh()
    {
        synchronized (OPEN) {
            while (true) {
                MemoryCheckpointStore store = new MemoryCheckpointStore();
                String name = store.location().getPath().substring(1);
                // a store opened by name may have taken a generated name already
                if (!OPEN.containsKey(name)) {
                    Shared shared = new Shared(store);
                    OPEN.put(name, shared);
                    return new Handle(shared);
                }
            }
        }
    }

    @Override
    public String toString()
    {
        return "MemoryCheckpointStoreProvider[memory]";
    }

    private static final class Shared
    {
        private final MemoryCheckpointStore store;
        private int handles;

        private Shared(MemoryCheckpointStore store)
        {
            this.store = store;
        }
    }

    /**
     * One open of a named store; closing the last open of a name drops its blobs.
     */
    private static final class Handle
            extends ForwardingCheckpointStore
    {
        private final Shared shared;
        private final AtomicBoolean closed = new AtomicBoolean();

        // called with OPEN held
        private Handle(Shared shared)
        {
            super(shared.store);
            this.shared = shared;
            shared.handles++;
        }

        @Override
        public void close()
        {
            if (closed.compareAndSet(false, true)) {
                synchronized (OPEN) {
                    shared.handles--;
                    if (shared.handles == 0) {
                        OPEN.remove(shared.store.location().getPath().substring(1), shared);
                    }
                }
            }
        }
    }
}
