package io.cairn.core.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Finds the {@link CheckpointStoreProvider} for a URI's scheme and opens the store. A plain path (no
 * scheme) means the local {@code file} store.
 */
public final class CheckpointStores
{
    private static final Logger log = LoggerFactory.getLogger(CheckpointStores.class);

    private final Map<String, CheckpointStoreProvider> providers;

    private CheckpointStores(Map<String, CheckpointStoreProvider> providers)
    {
        this.providers = Map.copyOf(providers);
    }

    /**
     * The providers visible to this module's class loader and module layer.
     */
    public static CheckpointStores discover()
    {
        return discover(ServiceLoader.load(CheckpointStoreProvider.class, CheckpointStores.class.getClassLoader()));
    }

    static CheckpointStores discover(ServiceLoader<CheckpointStoreProvider> loader)
    {
        Map<String, CheckpointStoreProvider> found = new TreeMap<>();
        Iterator<CheckpointStoreProvider> iterator = loader.iterator();
        while (true) {
            CheckpointStoreProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            }
            catch (ServiceConfigurationError e) {
                // one broken plug-in must not hide the others; it shows up as a missing scheme
                log.warn("Skipping a checkpoint store provider that failed to load", e);
                continue;
            }
            CheckpointStoreProvider previous = found.get(scheme(provider));
            // the same provider class seen twice (e.g. the same jar on two paths) is one provider
            if (previous == null || previous.getClass() != provider.getClass()) {
                add(found, provider);
            }
        }
        return new CheckpointStores(found);
    }

    /**
     * Exactly these providers; two for one scheme are rejected.
     */
    public static CheckpointStores of(CheckpointStoreProvider... providers)
    {
        Map<String, CheckpointStoreProvider> map = new TreeMap<>();
        for (CheckpointStoreProvider provider : providers) {
            add(map, requireNonNull(provider, "provider is null"));
        }
        return new CheckpointStores(map);
    }

    private static void add(Map<String, CheckpointStoreProvider> providers, CheckpointStoreProvider provider)
    {
        String scheme = scheme(provider);
        CheckpointStoreProvider previous = providers.putIfAbsent(scheme, provider);
        if (previous != null) {
            throw new IllegalStateException("Two checkpoint store providers claim the scheme '" + scheme + "': "
                    + previous.getClass().getName() + " and " + provider.getClass().getName());
        }
    }

    private static String scheme(CheckpointStoreProvider provider)
    {
        String scheme = provider.scheme();
        if (scheme == null || !scheme.matches("[A-Za-z][A-Za-z0-9+.-]+")) {
            throw new IllegalStateException("Checkpoint store provider " + provider.getClass().getName() + " has an invalid scheme: " + scheme);
        }
        return scheme.toLowerCase(Locale.ROOT);
    }

    public Map<String, CheckpointStoreProvider> providers()
    {
        return providers;
    }

    public CheckpointStore open(String uri)
            throws IOException
    {
        return open(uri, Map.of());
    }

    public CheckpointStore open(String uri, Map<String, String> options)
            throws IOException
    {
        URI parsed = parse(uri);
        CheckpointStoreProvider provider = providers.get(parsed.getScheme().toLowerCase(Locale.ROOT));
        if (provider == null) {
            throw new IllegalArgumentException("No checkpoint store for scheme '" + parsed.getScheme() + "' in " + redact(parsed)
                    + "; known schemes: " + (providers.isEmpty() ? "none" : String.join(", ", new TreeMap<>(providers).keySet()))
                    + ". Put the store module on the class path or module path (e.g. cairn-storage-s3 for s3:).");
        }
        return provider.open(parsed, options);
    }

    /**
     * The URI without user info or query, which may carry credentials: safe for messages and logs.
     */
    public static String redact(URI uri)
    {
        if (uri.isOpaque()) {
            return uri.getScheme() + ":" + (uri.getRawSchemeSpecificPart().contains("@") ? "<redacted>" : uri.getRawSchemeSpecificPart());
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
                    + (uri.getRawUserInfo() != null || uri.getRawQuery() != null ? " (user info and query not shown)" : "");
        }
        catch (URISyntaxException e) {
            return uri.getScheme() + ":<unprintable>";
        }
    }

    /**
     * Parses a store URI; a plain path (relative or absolute) becomes a {@code file:} URI, and
     * {@code memory:} alone becomes {@code memory:/} (a fresh memory store).
     */
    public static URI parse(String uri)
    {
        requireNonNull(uri, "uri is null");
        if (uri.isBlank()) {
            throw new IllegalArgumentException("Store URI is empty; give a path, file:/path, s3://bucket/prefix or hdfs://host:port/path");
        }
        // "memory:" alone, a fresh memory store, is not a URI that java.net.URI accepts: it stands for "memory:/"
        if (uri.equalsIgnoreCase(MemoryCheckpointStoreProvider.SCHEME + ":")) {
            return URI.create(MemoryCheckpointStoreProvider.SCHEME + ":/");
        }
        // a Windows-style "C:\..." or a plain path has no scheme of two or more letters followed by ':'
        if (!uri.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return Path.of(uri).toAbsolutePath().normalize().toUri();
        }
        try {
            URI parsed = new URI(uri);
            if (parsed.getScheme().equalsIgnoreCase("file") && parsed.isOpaque()) {
                // file:relative/dir is an opaque URI (no path); treat it as a relative path
                return Path.of(parsed.getSchemeSpecificPart()).toAbsolutePath().normalize().toUri();
            }
            return parsed;
        }
        catch (URISyntaxException e) {
            // the query and user info may hold credentials: show only what comes before them
            throw new IllegalArgumentException("Store URI is not valid: " + uri.replaceAll("[?#].*$", "").replaceAll("//[^/@]*@", "//<redacted>@")
                    + (uri.matches(".*[?#].*") ? " (query not shown)" : "") + "; check its syntax (spaces and special characters must be %-encoded)", e);
        }
    }
}
