package io.cairn.storage.hdfs;

import io.cairn.core.store.AbstractCheckpointStoreTest;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared store contract against a real HDFS (MiniDFSCluster in this JVM), directly and through a
 * {@code viewfs:} mount table, plus HDFS-only behaviour: files under the root, the temp area, blocks.
 */
class TestHdfsCheckpointStore
        extends AbstractCheckpointStoreTest
{
    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static MiniHdfs hdfs;

    private String rootPath;
    private CheckpointStore store;

    @BeforeAll
    static void startCluster()
            throws Exception
    {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stopCluster()
            throws Exception
    {
        hdfs.close();
    }

    @BeforeEach
    void openStore()
            throws Exception
    {
        // a fresh root per test: the cluster is shared
        rootPath = "/contract/test-" + ROOTS.incrementAndGet() + "/repo";
        store = CheckpointStores.of(new HdfsCheckpointStoreProvider()).open(hdfs.uri(rootPath));
    }

    @AfterEach
    void noTempFilesLeft()
            throws Exception
    {
        store.close();
        // whatever a test did, successful or failed writes leave nothing behind in the temp area
        assertThat(tempFiles(rootPath)).isEmpty();
    }

    @Override
    protected CheckpointStore store()
    {
        return store;
    }

    @Test
    void storesEachKeyAsAFileUnderTheRoot()
            throws IOException
    {
        write("chunks/0a/0a11", bytes("chunk"));
        try (InputStream in = raw().open(new Path(rootPath + "/chunks/0a/0a11"))) {
            assertThat(in.readAllBytes()).isEqualTo(bytes("chunk"));
        }
        assertThat(store.location()).isEqualTo(hdfs.location(rootPath));
        assertThat(store.toString()).contains(hdfs.location(rootPath).toString());
    }

    @Test
    void blobsSpanBlocksAndRangesCrossBlockBoundaries()
            throws IOException
    {
        try (CheckpointStore small = CheckpointStores.of(new HdfsCheckpointStoreProvider()).open(hdfs.uri(rootPath) + "&block-size=1MiB&buffer-size=64KiB")) {
            byte[] data = randomBytes((7 << 19) + 3, 11);
            small.write("chunks/big", new ByteArrayInputStream(data), data.length);

            FileStatus status = raw().getFileStatus(new Path(rootPath + "/chunks/big"));
            assertThat(status.getBlockSize()).isEqualTo(1 << 20);
            assertThat(status.getReplication()).isEqualTo((short) 1);
            assertThat(raw().getFileBlockLocations(status, 0, status.getLen())).hasSize(4);

            assertThat(small.readAllBytes("chunks/big")).isEqualTo(data);
            try (InputStream in = small.read("chunks/big", (1 << 20) - 10, 20)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, (1 << 20) - 10, (1 << 20) + 10));
            }
            try (InputStream in = small.read("chunks/big", 3 << 20, 1 << 20)) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 3 << 20, data.length));
            }
        }
    }

    @Test
    void leftoverTempFileOfACrashedWriterIsIgnored()
            throws IOException
    {
        write("runs/r/lease", bytes("lease"));
        Path leftover = new Path(rootPath + "/" + HdfsCheckpointStore.TEMP_DIRECTORY + "/crashed.tmp");
        // still open for writing, as a crashed writer leaves it until its lease expires
        try (FSDataOutputStream out = raw().create(leftover)) {
            out.write(bytes("half a chunk"));
            out.hflush();

            assertThat(store.list("")).containsExactly("runs/r/lease");
            assertThat(store.list(".cairn")).isEmpty();
            write("runs/r/lease", bytes("renewed"));
            store.createIfAbsent("runs/r/checkpoints/1.json", bytes("manifest"));
            assertThat(store.readAllBytes("runs/r/lease")).isEqualTo(bytes("renewed"));
            assertThat(store.list("runs/")).containsExactlyInAnyOrder("runs/r/lease", "runs/r/checkpoints/1.json");
        }
        raw().delete(leftover, false);
    }

    @Test
    void deletePrunesEmptyDirectoriesButNotTheRootOrTheTempArea()
            throws IOException
    {
        write("runs/r/checkpoints/1.json", bytes("one"));
        write("runs/r/checkpoints/2.json", bytes("two"));
        write("chunks/ab/ab01", bytes("chunk"));
        write("chunks/cd/cd01", bytes("chunk"));

        store.delete(List.of("runs/r/checkpoints/1.json", "chunks/ab/ab01"));
        // a directory that still holds a blob stays; an emptied one goes, up to the first non-empty parent
        assertThat(raw().exists(new Path(rootPath + "/runs/r/checkpoints"))).isTrue();
        assertThat(raw().exists(new Path(rootPath + "/chunks/ab"))).isFalse();
        assertThat(raw().exists(new Path(rootPath + "/chunks/cd"))).isTrue();

        store.delete(List.of("runs/r/checkpoints/2.json", "chunks/cd/cd01"));
        assertThat(raw().exists(new Path(rootPath + "/runs"))).isFalse();
        assertThat(raw().exists(new Path(rootPath + "/chunks"))).isFalse();
        assertThat(raw().getFileStatus(new Path(rootPath)).isDirectory()).isTrue();
        assertThat(raw().getFileStatus(new Path(rootPath + "/" + HdfsCheckpointStore.TEMP_DIRECTORY)).isDirectory()).isTrue();
        assertThat(store.list("")).isEmpty();

        // a pruned directory is made again by the next write
        store.createIfAbsent("runs/r/checkpoints/3.json", bytes("three"));
        assertThat(store.readAllBytes("runs/r/checkpoints/3.json")).isEqualTo(bytes("three"));
    }

    @Test
    void tempAreaAndColonsAreNotKeys()
    {
        assertThatThrownBy(() -> write(".cairn-tmp/x", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".cairn-tmp/x");
        assertThatThrownBy(() -> store.read(".cairn-tmp")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> write("runs/a:b", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs/a:b")
                .hasMessageContaining("':'");
    }

    @Test
    void writeUnderABlobFailsNamingIt()
            throws IOException
    {
        write("runs/r", bytes("blob"));
        assertThatThrownBy(() -> write("runs/r/lease", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r/lease")
                .hasMessageContaining(rootPath + "/runs/r is a file, not a directory");
        assertThatThrownBy(() -> store.createIfAbsent("runs/r/checkpoints/1.json", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(rootPath + "/runs/r is a file, not a directory");
        // HDFS answers a read through a file with AccessControlException: still just a missing blob
        assertThatThrownBy(() -> store.read("runs/r/lease")).isInstanceOf(FileNotFoundException.class).hasMessageContaining("runs/r/lease");
        assertThatThrownBy(() -> store.read("runs/r/lease", 0, 1)).isInstanceOf(FileNotFoundException.class);
        assertThat(store.exists("runs/r/lease")).isFalse();
        assertThat(store.list("runs/r/")).isEmpty();
        store.delete(List.of("runs/r/lease"));
        assertThat(store.list("")).containsExactly("runs/r");
    }

    @Test
    void writeOntoADirectoryOfKeysFailsNamingIt()
            throws IOException
    {
        write("runs/r/lease", bytes("lease"));
        assertThatThrownBy(() -> write("runs/r", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r: it is a directory holding other keys");
        assertThatThrownBy(() -> store.createIfAbsent("runs/r", bytes("x")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("runs/r: it is a directory holding other keys");
        assertThat(store.list("")).containsExactly("runs/r/lease");
    }

    @Test
    void isFoundByServiceLoader()
            throws IOException
    {
        CheckpointStores stores = CheckpointStores.discover();
        assertThat(stores.providers().get("hdfs")).isInstanceOf(HdfsCheckpointStoreProvider.class);
        assertThat(stores.providers().get("viewfs")).isInstanceOf(ViewFsCheckpointStoreProvider.class);
        try (CheckpointStore discovered = stores.open(hdfs.uri(rootPath))) {
            write("a", bytes("x"));
            assertThat(discovered.readAllBytes("a")).isEqualTo(bytes("x"));
        }
    }

    /**
     * The whole contract again through {@code viewfs://cairn/}, whose mount table links {@code /repos}
     * to a directory of the same cluster: the store needs no change for it.
     */
    @Nested
    class ThroughViewFs
            extends AbstractCheckpointStoreTest
    {
        private String viewRoot;
        private CheckpointStore viewStore;

        @BeforeEach
        void openViewStore()
                throws IOException
        {
            viewRoot = "/viewfs-target/test-" + ROOTS.incrementAndGet();
            String mount = "fs.viewfs.mounttable.cairn.link./repos=" + URLEncoder.encode("hdfs://" + hdfs.nameNode() + viewRoot, StandardCharsets.UTF_8);
            String settings = hdfs.uri("x").substring(hdfs.uri("x").indexOf('?') + 1);
            viewStore = CheckpointStores.of(new ViewFsCheckpointStoreProvider()).open("viewfs://cairn/repos/repo?" + settings + "&" + mount);
        }

        @AfterEach
        void noViewTempFilesLeft()
                throws IOException
        {
            viewStore.close();
            assertThat(tempFiles(viewRoot + "/repo")).isEmpty();
        }

        @Override
        protected CheckpointStore store()
        {
            return viewStore;
        }

        @Test
        void keysAreFilesOfTheMountTarget()
                throws IOException
        {
            write("chunks/0a/0a11", bytes("chunk"));
            assertThat(viewStore.location().toString()).isEqualTo("viewfs://cairn/repos/repo");
            try (InputStream in = raw().open(new Path(viewRoot + "/repo/chunks/0a/0a11"))) {
                assertThat(in.readAllBytes()).isEqualTo(bytes("chunk"));
            }
        }
    }

    private static DistributedFileSystem raw()
            throws IOException
    {
        return hdfs.fileSystem();
    }

    private static List<String> tempFiles(String root)
            throws IOException
    {
        Path temp = new Path(root + "/" + HdfsCheckpointStore.TEMP_DIRECTORY);
        if (!raw().exists(temp)) {
            return List.of();
        }
        return Arrays.stream(raw().listStatus(temp)).map(status -> status.getPath().getName()).toList();
    }
}
