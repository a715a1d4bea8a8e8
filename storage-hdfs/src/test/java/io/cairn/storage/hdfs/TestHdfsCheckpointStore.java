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
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared store contract against a real HDFS (MiniDFSCluster in this JVM), directly and through a
 * {@code viewfs:} mount table, plus HDFS-only behaviour: blocks, names HDFS refuses, a write onto a
 * directory of keys.
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

    @Override
    protected Optional<String> storeUri()
    {
        return Optional.of(hdfs.uri(rootPath));
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        return readFile(rootPath, key);
    }

    @Override
    protected boolean isHierarchical()
    {
        return true;
    }

    @Override
    protected boolean rawDirectoryExists(String path)
            throws IOException
    {
        return isDirectory(rootPath, path);
    }

    @Override
    protected Optional<String> reservedName()
    {
        return Optional.of(HdfsCheckpointStore.TEMP_DIRECTORY);
    }

    @Override
    protected Closeable leaveWhatACrashedWriterLeaves(byte[] data)
            throws IOException
    {
        return leaveOpenTempFile(rootPath, data);
    }

    @Override
    protected String blobInTheWay(String blobKey)
    {
        return rootPath + "/" + blobKey + " is a file, not a directory";
    }

    @Override
    protected int concurrentWriteRounds()
    {
        // each round is a dozen NameNode calls: fewer rounds still race the prunes many times
        return 50;
    }

    @Test
    void locationIsTheRootWithoutTheQuery()
    {
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
    void colonsAreNotKeys()
    {
        assertThatThrownBy(() -> write("runs/a:b", bytes("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs/a:b")
                .hasMessageContaining("':'");
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

    /**
     * The whole contract again through {@code viewfs://cairn/}, whose mount table links {@code /repos}
     * to a directory of the same cluster: the store needs no change for it.
     */
    @Nested
    class ThroughViewFs
            extends AbstractCheckpointStoreTest
    {
        private String viewRoot;
        private String viewUri;
        private CheckpointStore viewStore;

        @BeforeEach
        void openViewStore()
                throws IOException
        {
            viewRoot = "/viewfs-target/test-" + ROOTS.incrementAndGet();
            String mount = "fs.viewfs.mounttable.cairn.link./repos=" + URLEncoder.encode("hdfs://" + hdfs.nameNode() + viewRoot, StandardCharsets.UTF_8);
            String settings = hdfs.uri("x").substring(hdfs.uri("x").indexOf('?') + 1);
            viewUri = "viewfs://cairn/repos/repo?" + settings + "&" + mount;
            viewStore = CheckpointStores.of(new ViewFsCheckpointStoreProvider()).open(viewUri);
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

        @Override
        protected Optional<String> storeUri()
        {
            return Optional.of(viewUri);
        }

        /**
         * Keys are files of the mount target.
         */
        @Override
        protected Optional<byte[]> readRaw(String key)
                throws IOException
        {
            return readFile(viewRoot + "/repo", key);
        }

        @Override
        protected boolean isHierarchical()
        {
            return true;
        }

        @Override
        protected boolean rawDirectoryExists(String path)
                throws IOException
        {
            return isDirectory(viewRoot + "/repo", path);
        }

        @Override
        protected Optional<String> reservedName()
        {
            return Optional.of(HdfsCheckpointStore.TEMP_DIRECTORY);
        }

        @Override
        protected Closeable leaveWhatACrashedWriterLeaves(byte[] data)
                throws IOException
        {
            return leaveOpenTempFile(viewRoot + "/repo", data);
        }

        @Override
        protected String blobInTheWay(String blobKey)
        {
            return "viewfs://cairn/repos/repo/" + blobKey + " is a file, not a directory";
        }

        @Override
        protected int concurrentWriteRounds()
        {
            return 50;
        }

        @Test
        void locationIsTheViewFsPath()
        {
            assertThat(viewStore.location().toString()).isEqualTo("viewfs://cairn/repos/repo");
        }
    }

    private static DistributedFileSystem raw()
            throws IOException
    {
        return hdfs.fileSystem();
    }

    private static Optional<byte[]> readFile(String root, String key)
            throws IOException
    {
        try (InputStream in = raw().open(new Path(root + "/" + key))) {
            return Optional.of(in.readAllBytes());
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    private static boolean isDirectory(String root, String path)
            throws IOException
    {
        try {
            return raw().getFileStatus(new Path(path.isEmpty() ? root : root + "/" + path)).isDirectory();
        }
        catch (FileNotFoundException e) {
            return false;
        }
    }

    /**
     * A temp file still open for writing, as a crashed writer leaves it until its lease expires.
     */
    private static Closeable leaveOpenTempFile(String root, byte[] data)
            throws IOException
    {
        Path leftover = new Path(root + "/" + HdfsCheckpointStore.TEMP_DIRECTORY + "/crashed.tmp");
        FSDataOutputStream out = raw().create(leftover);
        out.write(data);
        out.hflush();
        return () -> {
            out.close();
            raw().delete(leftover, false);
        };
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
