package io.cairn.storage.local;

import io.cairn.core.store.AbstractCheckpointStoreTest;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    @Test
    public void storesEachKeyAsAFileUnderTheRoot()
            throws IOException
    {
        write("chunks/0a/0a11", bytes("chunk"));
        assertThat(Files.readAllBytes(root.resolve("chunks/0a/0a11"))).isEqualTo(bytes("chunk"));
        assertThat(store.location()).isEqualTo(root.toUri());
    }

    @Test
    public void deletePrunesEmptyDirectoriesButNotTheRoot()
            throws IOException
    {
        write("runs/r1/checkpoints/1.json", bytes("1"));
        write("runs/r1/lease", bytes("lease"));
        store.delete(List.of("runs/r1/checkpoints/1.json"));
        assertThat(root.resolve("runs/r1/checkpoints")).doesNotExist();
        assertThat(root.resolve("runs/r1")).isDirectory();

        store.delete(List.of("runs/r1/lease"));
        assertThat(root.resolve("runs")).doesNotExist();
        assertThat(root).isDirectory();
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries).containsExactly(root.resolve(LocalCheckpointStore.TEMP_DIRECTORY));
        }
    }

    @Test
    @Timeout(120)
    public void writesSurviveConcurrentDeletesPruningTheirDirectories()
            throws Exception
    {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                String key = "runs/r/checkpoints/" + worker + ".json";
                boolean exclusive = worker % 2 == 0;
                workers.add(executor.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        if (exclusive) {
                            store.createIfAbsent(key, bytes(key));
                        }
                        else {
                            write(key, bytes(key));
                        }
                        assertThat(store.readAllBytes(key)).isEqualTo(bytes(key));
                        store.delete(List.of(key));
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(100, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(store.list("")).isEmpty();
    }

    @Test
    public void leftoverTempFileOfACrashedWriterIsIgnored()
            throws IOException
    {
        write("runs/r/lease", bytes("lease"));
        Path leftover = root.resolve(LocalCheckpointStore.TEMP_DIRECTORY).resolve(".tmp-crashed");
        Files.write(leftover, bytes("half a chunk"));

        CheckpointStore reopened = new LocalCheckpointStoreProvider().open(root.toUri(), Map.of());
        assertThat(reopened.list("")).containsExactly("runs/r/lease");
        assertThat(reopened.list(".cairn")).isEmpty();
        write("runs/r/lease", bytes("renewed"));
        reopened.createIfAbsent("runs/r/checkpoints/1.json", bytes("manifest"));
        assertThat(reopened.readAllBytes("runs/r/lease")).isEqualTo(bytes("renewed"));
        assertThat(reopened.list("runs/")).containsExactlyInAnyOrder("runs/r/lease", "runs/r/checkpoints/1.json");
        Files.delete(leftover);
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
    public void tempAreaIsNotAKey()
    {
        assertThatThrownBy(() -> write(".cairn-tmp/x", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".cairn-tmp/x");
        assertThatThrownBy(() -> store.read(".cairn-tmp")).isInstanceOf(IllegalArgumentException.class);
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
    public void writeUnderABlobFailsNamingIt()
            throws IOException
    {
        write("runs/r", bytes("blob"));
        assertThatThrownBy(() -> write("runs/r/lease", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r");
        assertThat(store.list("")).containsExactly("runs/r");
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
    public void isFoundByServiceLoader()
    {
        assertThat(CheckpointStores.discover().providers().get("file")).isInstanceOf(LocalCheckpointStoreProvider.class);
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
