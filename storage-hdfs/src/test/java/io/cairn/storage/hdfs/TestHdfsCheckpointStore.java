package io.cairn.storage.hdfs;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        extends AbstractHdfsCheckpointStoreTest
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
    protected DistributedFileSystem rawFileSystem()
            throws IOException
    {
        return hdfs.fileSystem();
    }

    @Override
    protected String rawRoot()
    {
        return rootPath;
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

            FileStatus status = rawFileSystem().getFileStatus(new Path(rootPath + "/chunks/big"));
            assertThat(status.getBlockSize()).isEqualTo(1 << 20);
            assertThat(status.getReplication()).isEqualTo((short) 1);
            assertThat(rawFileSystem().getFileBlockLocations(status, 0, status.getLen())).hasSize(4);

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
            extends AbstractHdfsCheckpointStoreTest
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

        @Override
        protected DistributedFileSystem rawFileSystem()
                throws IOException
        {
            return hdfs.fileSystem();
        }

        /**
         * Keys are files of the mount target.
         */
        @Override
        protected String rawRoot()
        {
            return viewRoot + "/repo";
        }

        @Test
        void locationIsTheViewFsPath()
        {
            assertThat(viewStore.location().toString()).isEqualTo("viewfs://cairn/repos/repo");
        }
    }
}
