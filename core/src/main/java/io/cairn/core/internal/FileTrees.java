package io.cairn.core.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes local directory trees: scratch space, benchmark output. Symbolic links are deleted, never
 * followed. Not API: exported only to Cairn's own modules.
 */
public final class FileTrees
{
    private FileTrees() {}

    /**
     * Deletes the file or directory and everything below it; a missing path is not an error.
     *
     * @throws IOException naming the first entry that could not be deleted
     */
    public static void delete(Path root)
            throws IOException
    {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            // deepest first, so that each directory is empty when its turn comes
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        catch (UncheckedIOException e) {
            // the walk itself failed, e.g. a directory vanished or could not be read
            throw e.getCause();
        }
    }

    /**
     * Deletes what it can of the tree and ignores failures: for scratch space, where what cannot be
     * deleted now is left for the OS. A {@code null} or missing path is not an error.
     */
    public static void deleteQuietly(Path root)
    {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                }
                catch (IOException ignored) {
                    // keep going: delete as much as possible
                }
            });
        }
        catch (IOException | UncheckedIOException ignored) {
            // the walk failed part way; what is left stays
        }
    }
}
