package io.cairn.examples.customstore;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.store.StoreSettings;

import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Opens {@code xor:<inner-uri>}, e.g. {@code xor:file:/tmp/repo}, {@code xor:/tmp/repo} or
 * {@code xor:s3://bucket/prefix?region=eu-west-1}: the store of the inner URI, found through
 * {@link CheckpointStores#discover()} like any other, with its blobs XORed with a key. The inner URI's
 * query is the inner store's. The key is the setting {@code key}: a store option, the system property
 * {@code cairn.xor.key} or the environment variable {@code CAIRN_XOR_KEY}, else {@value #DEFAULT_KEY}.
 * Every other option goes to the inner store.
 */
public final class XorCheckpointStoreProvider
        implements CheckpointStoreProvider
{
    public static final String SCHEME = "xor";
    public static final String KEY = "key";
    public static final String DEFAULT_KEY = "cairn";

    @Override
    public String scheme()
    {
        return SCHEME;
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException
    {
        String inner = uri.getRawSchemeSpecificPart();
        // xor:xor:... would find this provider again, and XOR twice with one key stores the plain bytes
        if (inner.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1)) {
            throw new IllegalArgumentException("An xor: store wraps another store's URI, not an xor: one: " + CheckpointStores.redact(uri));
        }
        Map<String, String> innerOptions = new HashMap<>(options);
        String key = innerOptions.remove(KEY);
        byte[] mask = mask(key == null ? Map.of() : Map.of(KEY, key));
        return new XorCheckpointStore(CheckpointStores.discover().open(inner, innerOptions), mask);
    }

    /**
     * The key as {@link #open} reads it: from the options, {@code cairn.xor.key} or {@code CAIRN_XOR_KEY}.
     */
    static byte[] mask(Map<String, String> options)
    {
        // read without the URI, whose query belongs to the inner store
        StoreSettings settings = StoreSettings.builder(SCHEME, List.of(KEY)).build(URI.create(SCHEME + ":/"), options);
        return settings.string(KEY).orElse(DEFAULT_KEY).getBytes(UTF_8);
    }
}
