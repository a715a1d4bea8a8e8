package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Opens {@code file:} stores: a directory on a local or mounted file system, created if missing. The
 * store has no options. {@link LocalCheckpointStores#open} opens one without a URI.
 */
public final class LocalCheckpointStoreProvider
        implements CheckpointStoreProvider
{
    @Override
    public String scheme()
    {
        return "file";
    }

    @Override
    public CheckpointStore open(URI uri, Map<String, String> options)
            throws IOException
    {
        requireNonNull(uri, "uri is null");
        requireNonNull(options, "options is null");
        return LocalCheckpointStores.open(toPath(uri));
    }

    private static Path toPath(URI uri)
    {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Not a file: URI: " + uri);
        }
        try {
            return Path.of(uri).toAbsolutePath().normalize();
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Local store URI must be file:/absolute/path (no host, query or fragment), or a plain path: "
                    + uri + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString()
    {
        return "LocalCheckpointStoreProvider[file]";
    }
}
