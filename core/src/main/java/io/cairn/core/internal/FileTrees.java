package io.cairn.core.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes directory trees: scratch space Cairn made for itself.
 */
public final class FileTrees
{
    private FileTrees() {}

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
                    // scratch space; what cannot be deleted now is left for the OS
                }
            });
        }
        catch (IOException ignored) {
            // same
        }
    }
}
