package io.cairn.trainer;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code flaky:/?fail-steps=100,150}, for tests: a fresh in-memory store whose commits of the checkpoints
 * at those steps (of any run) fail with "disk full (injected)", after their chunks were written.
 */
public final class FlakyStoreProvider
        implements CheckpointStoreProvider
{
    private static final Pattern MANIFEST = Pattern.compile(".*/checkpoints/(\\d{20})\\.json");

    @Override
    public String scheme()
    {
        return "flaky";
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
    {
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        Set<Long> failing = query.startsWith("fail-steps=")
                ? Arrays.stream(query.substring("fail-steps=".length()).split(",")).map(Long::parseLong).collect(Collectors.toSet())
                : Set.of();
        return new ForwardingCheckpointStore(new MemoryCheckpointStore())
        {
            @Override
            public void createIfAbsent(String key, byte[] data)
                    throws IOException
            {
                Matcher manifest = MANIFEST.matcher(key);
                if (manifest.matches() && failing.contains(Long.parseLong(manifest.group(1)))) {
                    throw new IOException("disk full (injected)");
                }
                super.createIfAbsent(key, data);
            }
        };
    }
}
