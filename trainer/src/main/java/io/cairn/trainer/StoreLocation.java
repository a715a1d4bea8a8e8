package io.cairn.trainer;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.trainer.inject.CairnConfig;
import io.cairn.trainer.inject.CairnConfigBuilder;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A store as the command line names it: the {@code --store} URI and the {@code --store-option}
 * settings, which go to {@link CheckpointStores#open(String, Map)} as its options. Option values may
 * be secrets: {@link #toString()} shows only their keys.
 */
record StoreLocation(String uri, Map<String, String> options)
{
    StoreLocation
    {
        requireNonNull(uri, "uri is null");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(options, "options is null")));
    }

    /**
     * Opens the store. A URI or setting its provider rejects ({@link IllegalArgumentException}, which
     * names the setting) is bad usage; a store that cannot be reached is not.
     */
    CheckpointStore open(CheckpointStores stores)
            throws IOException
    {
        try {
            return stores.open(uri, options);
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /**
     * Cairn's configuration of this store, to add the rest to.
     */
    CairnConfigBuilder config()
    {
        return CairnConfig.builder().storeUri(uri).storeOptions(options);
    }

    /**
     * The location {@code name} below this one, with the same options.
     */
    StoreLocation child(String name)
    {
        return new StoreLocation(BenchCommand.child(uri, name), options);
    }

    /**
     * Another URI with these options if it has the same scheme (e.g. a second bucket on the same
     * endpoint), else with none: options are settings of one kind of store.
     */
    StoreLocation sibling(String otherUri)
    {
        return new StoreLocation(otherUri, scheme(otherUri).equals(scheme(uri)) ? options : Map.of());
    }

    private static String scheme(String uri)
    {
        try {
            URI parsed = CheckpointStores.parse(uri);
            return parsed.getScheme().toLowerCase(Locale.ROOT);
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    @Override
    public String toString()
    {
        return uri + (options.isEmpty() ? "" : " with store options " + options.keySet());
    }
}
