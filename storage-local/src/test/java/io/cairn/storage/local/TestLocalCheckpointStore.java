package io.cairn.storage.local;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.store.contract.AbstractCheckpointStoreTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestLocalCheckpointStore
        extends AbstractCheckpointStoreTest
{
    @TempDir
    private Path temp;
    private Path root;
    private CheckpointStore store;

    @BeforeEach
    public void openStore()
            throws IOException
    {
        root = temp.resolve("store");
        store = new LocalCheckpointStoreProvider().open(root.toUri(), Map.of());
    }

    @AfterEach
    public void noTempFilesLeft()
            throws IOException
    {
        // whatever a test did, successful or failed writes leave nothing behind in the temp area
        assertThat(tempFiles()).isEmpty();
    }

    @Override
    protected CheckpointStore store()
    {
        return store;
    }

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.of(root.toUri().toString());
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        Path file = root.resolve(key);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    protected boolean isHierarchical()
    {
        return true;
    }

    @Override
    protected boolean rawDirectoryExists(String path)
    {
        return Files.isDirectory(root.resolve(path));
    }

    @Override
    protected Optional<String> reservedName()
    {
        return Optional.of(LocalCheckpointStore.TEMP_DIRECTORY);
    }

    @Override
    protected Closeable leaveWhatACrashedWriterLeaves(byte[] data)
            throws IOException
    {
        Path leftover = Files.write(root.resolve(LocalCheckpointStore.TEMP_DIRECTORY).resolve(".tmp-crashed"), data);
        return () -> Files.delete(leftover);
    }

    @Test
    public void locationIsTheRootDirectory()
    {
        assertThat(store.location()).isEqualTo(root.toUri());
    }

    @Test
    public void closingAnotherStoreOnTheSameRootDoesNotBreakWrites()
            throws IOException
    {
        CheckpointStore other = new LocalCheckpointStoreProvider().open(root.toUri(), Map.of());
        other.close();
        assertThat(root.resolve(LocalCheckpointStore.TEMP_DIRECTORY)).doesNotExist();

        write("runs/r/lease", bytes("lease"));
        store.createIfAbsent("runs/r/checkpoints/1.json", bytes("manifest"));
        assertThat(store.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));
        assertThat(store.readAllBytes("runs/r/checkpoints/1.json")).isEqualTo(bytes("manifest"));
    }

    @Test
    public void createIfAbsentWorksWithoutHardLinks()
            throws IOException
    {
        LocalCheckpointStore noLinks = new LocalCheckpointStore(root, false);
        noLinks.createIfAbsent("runs/r/checkpoints/1.json", bytes("first"));
        assertThatThrownBy(() -> noLinks.createIfAbsent("runs/r/checkpoints/1.json", bytes("second")))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("runs/r/checkpoints/1.json");
        assertThat(noLinks.readAllBytes("runs/r/checkpoints/1.json")).isEqualTo(bytes("first"));
    }

    @Test
    public void writeThroughADanglingLinkFailsNamingIt()
            throws IOException
    {
        Files.createDirectories(root.resolve("runs"));
        Files.createSymbolicLink(root.resolve("runs/r"), temp.resolve("nowhere"));
        assertThatThrownBy(() -> write("runs/r/lease", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r: a dangling link has this name");
        Files.delete(root.resolve("runs/r"));
    }

    @Test
    public void providerCreatesAMissingRoot()
            throws IOException
    {
        Path missing = temp.resolve("not/yet/there");
        CheckpointStore created = new LocalCheckpointStoreProvider().open(missing.toUri(), Map.of());
        assertThat(missing).isDirectory();
        created.write("a", new ByteArrayInputStream(bytes("x")), 1);
        assertThat(missing.resolve("a")).hasBinaryContent(bytes("x"));
    }

    @Test
    public void providerRejectsARootThatIsAFile()
            throws IOException
    {
        Path file = Files.write(temp.resolve("file"), bytes("x"));
        assertThatThrownBy(() -> new LocalCheckpointStoreProvider().open(file.toUri(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    public void providerExplainsARootUnderAFile()
            throws IOException
    {
        Path file = Files.write(temp.resolve("file"), bytes("x"));
        Path under = file.resolve("store");
        assertThatThrownBy(() -> new LocalCheckpointStoreProvider().open(under.toUri(), Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(under.toString())
                .hasMessageContaining(file + " is a file");
    }

    @Test
    public void providerRejectsFileUrisWithAHost()
    {
        assertThatThrownBy(() -> new LocalCheckpointStoreProvider().open(URI.create("file://host/store"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file://host/store");
    }

    @Test
    public void opensPlainPathsAndFileUrisThroughCheckpointStores()
            throws IOException
    {
        CheckpointStores stores = CheckpointStores.of(new LocalCheckpointStoreProvider());
        Path target = temp.resolve("via-stores");
        String relative = Path.of("").toAbsolutePath().relativize(target).toString();
        assertThat(Path.of(relative)).isRelative();

        CheckpointStore byRelativePath = stores.open(relative);
        assertThat(byRelativePath.location()).isEqualTo(target.toUri());
        byRelativePath.write("runs/r/lease", new ByteArrayInputStream(bytes("lease")), 5);

        CheckpointStore byRelativeUri = stores.open("file:" + relative);
        assertThat(byRelativeUri.location()).isEqualTo(target.toUri());
        assertThat(byRelativeUri.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));

        CheckpointStore byUri = stores.open(target.toUri().toString());
        assertThat(byUri.list("")).containsExactly("runs/r/lease");
        CheckpointStore byAbsolutePath = stores.open(target.toString());
        assertThat(byAbsolutePath.location()).isEqualTo(target.toUri());
        assertThat(target.resolve("runs/r/lease")).hasBinaryContent(bytes("lease"));
    }

    @Test
    public void opensADirectoryDirectlyWithoutAUri()
            throws IOException
    {
        Path missing = temp.resolve("direct/store");
        try (CheckpointStore direct = LocalCheckpointStores.open(Path.of("").toAbsolutePath().relativize(missing))) {
            assertThat(missing).isDirectory();
            assertThat(direct.location()).isEqualTo(missing.toUri());
            direct.write("runs/r/lease", new ByteArrayInputStream(bytes("lease")), 5);
            try (CheckpointStore byUri = CheckpointStores.discover().open(missing.toUri().toString())) {
                assertThat(byUri.location()).isEqualTo(direct.location());
                assertThat(byUri.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));
            }
        }
        Path file = Files.write(temp.resolve("file"), bytes("x"));
        assertThatThrownBy(() -> LocalCheckpointStores.open(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> LocalCheckpointStores.open(file.resolve("store")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file + " is a file");
        assertThatThrownBy(() -> LocalCheckpointStores.open(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("directory is null");
    }

    private List<Path> tempFiles()
            throws IOException
    {
        Path tempDirectory = root.resolve(LocalCheckpointStore.TEMP_DIRECTORY);
        if (!Files.isDirectory(tempDirectory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tempDirectory)) {
            return files.toList();
        }
    }
}
