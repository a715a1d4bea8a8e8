package io.cairn.core.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TestFileTrees
{
    @TempDir
    private Path temp;

    @Test
    void deletesATreeButNotWhatItsLinksPointTo()
            throws IOException
    {
        Path outside = Files.writeString(temp.resolve("outside"), "kept");
        Path root = tree(temp.resolve("tree"));
        Files.createSymbolicLink(root.resolve("a/link"), outside);
        FileTrees.delete(root);
        assertThat(root).doesNotExist();
        assertThat(outside).hasContent("kept");
        // a missing tree is no error
        FileTrees.delete(root);
    }

    @Test
    void deletesQuietlyAndIgnoresMissingOrNullPaths()
            throws IOException
    {
        Path root = tree(temp.resolve("tree"));
        FileTrees.deleteQuietly(root);
        assertThat(root).doesNotExist();
        FileTrees.deleteQuietly(root);
        FileTrees.deleteQuietly(null);
        Path file = Files.writeString(temp.resolve("file"), "x");
        FileTrees.deleteQuietly(file);
        assertThat(file).doesNotExist();
    }

    private static Path tree(Path root)
            throws IOException
    {
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/file"), "x");
        Files.writeString(root.resolve("a/top"), "x");
        return root;
    }
}
