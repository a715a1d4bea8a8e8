package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Opens the local store directly, without a URI or {@link java.util.ServiceLoader}: for a program or a
 * decorating store that holds a {@link Path}. {@code CheckpointStores.discover().open("file:...")} opens
 * the same store.
 */
public final class LocalCheckpointStores
{
    private LocalCheckpointStores() {}

    /**
     * Opens the store in the directory, creating it and its parents if missing; a relative path is
     * resolved against the working directory.
     *
     * @throws IllegalArgumentException if the path is a file, not a directory
     * @throws IOException if the directory cannot be created, naming what is in the way
     */
    public static CheckpointStore open(Path directory)
            throws IOException
    {
        Path root = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
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
}
