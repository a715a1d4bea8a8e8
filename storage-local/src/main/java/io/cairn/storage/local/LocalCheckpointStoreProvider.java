package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Opens {@code file:} stores: a directory on a local or mounted file system, created if missing. The
 * store has no options.
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
        Path root = toPath(uri);
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IllegalArgumentException("Local store path " + root + " is a file, not a directory; give the path of a directory "
                    + "(it is created if missing)");
        }
        try {
            Files.createDirectories(root);
        }
        catch (IOException e) {
            throw new IOException("Cannot create the local store directory " + root + describeBlocker(root)
                    + "; give a path whose parent directories exist or can be created (" + e + ")", e);
        }
        return new LocalCheckpointStore(root, true);
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

    /**
     * Names the first ancestor that is in the way, e.g. a regular file where a directory must be.
     */
    private static String describeBlocker(Path root)
    {
        for (Path ancestor = root.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            if (Files.exists(ancestor)) {
                return Files.isDirectory(ancestor) ? "" : ": " + ancestor + " is a file, not a directory";
            }
        }
        return "";
    }

    @Override
    public String toString()
    {
        return "LocalCheckpointStoreProvider[file]";
    }
}
