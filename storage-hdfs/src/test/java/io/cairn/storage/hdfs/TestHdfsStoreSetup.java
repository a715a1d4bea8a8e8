package io.cairn.storage.hdfs;

import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.SafeModeAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening an HDFS store: settings and where they come from, and the errors of a bad path, an
 * unreachable NameNode, safe mode, exceeded quotas and missing permissions. Each names the path and
 * says what to do.
 */
class TestHdfsStoreSetup
{
    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static MiniHdfs hdfs;

    @TempDir
    private File temp;

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

    private static CheckpointStores stores()
    {
        return CheckpointStores.of(new HdfsCheckpointStoreProvider(), new ViewFsCheckpointStoreProvider());
    }

    private static String freshRoot()
    {
        return "/setup/test-" + ROOTS.incrementAndGet();
    }

    @Test
    void settingsComeFromTheUriThenOptionsThenHadoopConfDir()
            throws IOException
    {
        Files.writeString(temp.toPath().resolve("core-site.xml"), siteXml(Map.of(
                "fs.defaultFS", "hdfs://confdir-nn:9000",
                "io.file.buffer.size", "8192")));
        Files.writeString(temp.toPath().resolve("hdfs-site.xml"), siteXml(Map.of(
                "dfs.replication", "2",
                "dfs.blocksize", "64m",
                "dfs.client.socket-timeout", "11111",
                "dfs.client.retry.max.attempts", "5")));
        Map<String, String> environment = Map.of("HADOOP_CONF_DIR", temp.toString());

        HdfsStoreConfig config = config(URI.create("hdfs://nn:8020/a/b/?replication=3&dfs.client.socket-timeout=33333"),
                Map.of("replication", "1", "block-size", "2MiB", "dfs.client.socket-timeout", "22222", "dfs.client.retry.max.attempts", "7"),
                environment);
        assertThat(config.location()).isEqualTo(URI.create("hdfs://nn:8020/a/b"));
        assertThat(config.rootPath()).isEqualTo("/a/b");
        assertThat(config.replication()).isEqualTo((short) 3);
        assertThat(config.blockSize()).isEqualTo(2L << 20);
        assertThat(config.bufferSize()).isEqualTo(8192);
        assertThat(config.configuration().get("dfs.client.socket-timeout")).isEqualTo("33333");
        assertThat(config.configuration().get("dfs.client.retry.max.attempts")).isEqualTo("7");
        assertThat(config.nameNodeRetryTime()).isEqualTo(HdfsStoreProperties.NAMENODE_RETRY_TIME_DEFAULT);
        assertThat(config(URI.create("hdfs://nn:8020/a?namenode-retry-time=30s"), Map.of(), environment).nameNodeRetryTime()).isEqualTo(Duration.ofSeconds(30));

        // without Cairn's keys, Hadoop's own settings give the values; a Cairn key beats its Hadoop twin
        HdfsStoreConfig defaults = config(URI.create("hdfs://nn:8020/a"), Map.of(), environment);
        assertThat(defaults.replication()).isEqualTo((short) 2);
        assertThat(defaults.blockSize()).isEqualTo(64L << 20);
        assertThat(defaults.configuration().get("dfs.client.socket-timeout")).isEqualTo("11111");
        assertThat(config(URI.create("hdfs://nn:8020/a?dfs.replication=2"), Map.of("replication", "1"), environment).replication())
                .isEqualTo((short) 1);

        // hdfs:///path takes the NameNode of fs.defaultFS
        assertThat(config(URI.create("hdfs:///x/y"), Map.of(), environment).location()).isEqualTo(URI.create("hdfs://confdir-nn:9000/x/y"));
        assertThat(config(URI.create("hdfs://nn/"), Map.of(), environment).nameNodeAddress()).isEqualTo("nn:8020");
        assertThat(config(URI.create("hdfs://nn/"), Map.of(), environment).rootPath()).isEqualTo("/");
    }

    @Test
    void badSettingsNameTheSettingAndItsRange()
    {
        assertThatThrownBy(() -> config("hdfs://nn/p?replication=0")).hasMessageContaining("replication").hasMessageContaining("1 to 512");
        assertThatThrownBy(() -> config("hdfs://nn/p?replication=three")).hasMessageContaining("replication").hasMessageContaining("'three'");
        assertThatThrownBy(() -> config("hdfs://nn/p?block-size=64KiB")).hasMessageContaining("block-size").hasMessageContaining("1MiB to 2GiB");
        assertThatThrownBy(() -> config("hdfs://nn/p?block-size=1049000")).hasMessageContaining("block-size").hasMessageContaining("multiple of 512");
        assertThatThrownBy(() -> config("hdfs://nn/p?buffer-size=1")).hasMessageContaining("buffer-size").hasMessageContaining("4KiB to 16MiB");
        assertThatThrownBy(() -> config("hdfs://nn/p?namenode-retry-time=soon")).hasMessageContaining("namenode-retry-time").hasMessageContaining("30s");
        assertThatThrownBy(() -> config("hdfs://nn/p?colour=blue"))
                .hasMessageContaining("Unknown HDFS URI parameter 'colour'")
                .hasMessageContaining("replication")
                .hasMessageContaining("dfs.");
        assertThatThrownBy(() -> config(URI.create("hdfs://nn/p"), Map.of("mapreduce.job.name", "x"), Map.of()))
                .hasMessageContaining("Unknown HDFS store option 'mapreduce.job.name'");
        assertThatThrownBy(() -> config("hdfs://nn/../p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config("hdfs://nn/a:b")).hasMessageContaining("':'");
        assertThatThrownBy(() -> config("hdfs://alice@nn/p")).hasMessageContaining("no user info");
        assertThatThrownBy(() -> config("hdfs:///p")).hasMessageContaining("fs.defaultFS").hasMessageContaining("hdfs://namenode:port/path");
        assertThatThrownBy(() -> config("s3://bucket/p")).hasMessageContaining("Not a hdfs: URI");
    }

    @Test
    void cairnKeysComeFromEveryPlaceButHadoopKeysOnlyFromTheUriAndOptions()
    {
        Map<String, String> environment = Map.of("CAIRN_HDFS_REPLICATION", "2", "CAIRN_HDFS_DFS_CLIENT_SOCKET_TIMEOUT", "44444");
        Map<String, String> properties = Map.of("cairn.hdfs.block-size", "4MiB", "cairn.hdfs.dfs.client.socket-timeout", "55555");
        HdfsStoreConfig config = HdfsStoreConfig.from("hdfs", URI.create("hdfs://nn/p?dfs.replication=5&dfs.blocksize=8m"), Map.of(),
                HdfsStoreConfig.settings().systemProperties(properties).environment(environment), environment);
        // a Cairn key beats its Hadoop twin, wherever each came from
        assertThat(config.replication()).isEqualTo((short) 2);
        assertThat(config.blockSize()).isEqualTo(4L << 20);
        // Hadoop keys are not looked up as system properties or environment variables
        assertThat(config.configuration().get("dfs.client.socket-timeout")).isNotIn("44444", "55555");
        // viewfs: stores read the same cairn.hdfs.* settings
        HdfsStoreConfig view = HdfsStoreConfig.from("viewfs", URI.create("viewfs://cluster/p"), Map.of(),
                HdfsStoreConfig.settings().systemProperties(Map.of()).environment(environment), environment);
        assertThat(view.replication()).isEqualTo((short) 2);
    }

    @Test
    void valuesOfHadoopKeysStayOutOfToString()
    {
        HdfsStoreConfig config = config(URI.create("hdfs://nn/p?fs.s3a.secret.key=topsecret"), Map.of("hadoop.security.credential.provider.path", "jceks://x"), Map.of());
        assertThat(config.toString())
                .contains("fs.s3a.secret.key")
                .contains("hadoop.security.credential.provider.path")
                .doesNotContain("topsecret")
                .doesNotContain("jceks");
        assertThat(config.location()).isEqualTo(URI.create("hdfs://nn/p"));
    }

    @Test
    void rootThatIsAFileIsRejected()
            throws IOException
    {
        String file = freshRoot() + "/file";
        createFile(file);
        assertThatThrownBy(() -> stores().open(hdfs.uri(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(hdfs.location(file).toString())
                .hasMessageContaining("is a file, not a directory");
    }

    @Test
    void rootUnderAFileIsExplained()
            throws IOException
    {
        String file = freshRoot() + "/file";
        createFile(file);
        assertThatThrownBy(() -> stores().open(hdfs.uri(file + "/deeper/store")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(hdfs.location(file + "/deeper/store").toString())
                .hasMessageContaining(hdfs.location(file) + " is a file, not a directory");
    }

    @Test
    void missingRootIsCreated()
            throws IOException
    {
        String root = freshRoot() + "/not/yet/there";
        try (CheckpointStore store = stores().open(hdfs.uri(root))) {
            assertThat(hdfs.fileSystem().getFileStatus(new Path(root)).isDirectory()).isTrue();
            assertThat(store.list("")).isEmpty();
        }
    }

    @Test
    void unreachableNameNodeIsNamed()
            throws IOException
    {
        // bound but never listening: the port stays ours for the whole test, and connections to it are refused
        try (Socket reserved = new Socket()) {
            reserved.bind(new InetSocketAddress("127.0.0.1", 0));
            int closedPort = reserved.getLocalPort();
            String uri = "hdfs://127.0.0.1:" + closedPort + "/x?ipc.client.connect.max.retries=0&ipc.client.connect.max.retries.on.timeouts=0";
            long started = System.nanoTime();
            assertThatThrownBy(() -> stores().open(uri))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("hdfs://127.0.0.1:" + closedPort + "/x")
                    .hasMessageContaining("cannot reach the NameNode at 127.0.0.1:" + closedPort)
                    .hasMessageContaining("HADOOP_CONF_DIR");
            // fails fast rather than retrying for minutes; the bound is loose so a loaded CI machine passes
            assertThat((System.nanoTime() - started) / 1_000_000).as("milliseconds to fail").isLessThan(60_000);
        }
    }

    @Test
    void viewFsWithoutAMountTableIsExplained()
    {
        assertThatThrownBy(() -> stores().open("viewfs://nowhere/x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("viewfs://nowhere/x")
                .hasMessageContaining("Empty Mount table")
                .hasMessageContaining("fs.viewfs.mounttable.nowhere.link./path=hdfs://namenode:port/path");
    }

    @Test
    void safeModeIsExplainedAndReadsStillWork()
            throws IOException
    {
        String root = freshRoot();
        DistributedFileSystem admin = hdfs.fileSystem();
        // a write waits out safe mode (a restarting NameNode's) for the store's namenode-retry-time, then fails
        try (CheckpointStore store = stores().open(hdfs.uri(root) + "&namenode-retry-time=1s")) {
            store.write("runs/r/lease", new ByteArrayInputStream(bytes("lease")), 5);
            admin.setSafeMode(SafeModeAction.ENTER);
            try {
                long started = System.nanoTime();
                assertThatThrownBy(() -> store.write("chunks/aa/1", new ByteArrayInputStream(bytes("x")), 1))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining(hdfs.location(root) + "/chunks/aa/1")
                        .hasMessageContaining("the NameNode is in safe mode")
                        .hasMessageContaining("hdfs dfsadmin -safemode leave")
                        .hasMessageContaining("namenode-retry-time=1.0 s");
                assertThat(System.nanoTime() - started).as("nanoseconds waited").isGreaterThanOrEqualTo(1_000_000_000L);
                assertThatThrownBy(() -> store.createIfAbsent("runs/r/checkpoints/1.json", bytes("x")))
                        .hasMessageContaining("safe mode");
                // reading, and opening an existing store, need no writes
                assertThat(store.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));
                try (CheckpointStore reopened = stores().open(hdfs.uri(root))) {
                    assertThat(reopened.list("")).containsExactly("runs/r/lease");
                }
            }
            finally {
                admin.setSafeMode(SafeModeAction.LEAVE);
            }
            assertThat(store.list("")).containsExactly("runs/r/lease");
        }
    }

    @Test
    void exceededSpaceQuotaIsExplainedAndLeavesNothing()
            throws IOException
    {
        String root = freshRoot();
        try (CheckpointStore store = stores().open(hdfs.uri(root))) {
            // HDFS charges a whole block per replica when a block starts: 1 KiB is never enough
            hdfs.fileSystem().setQuota(new Path(root), HdfsConstants.QUOTA_DONT_SET, 1024);
            assertThatThrownBy(() -> store.write("chunks/aa/1", new ByteArrayInputStream(bytes("data")), 4))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(hdfs.location(root) + "/chunks/aa/1")
                    .hasMessageContaining("quota is exceeded")
                    .hasMessageContaining("hdfs dfsadmin -setSpaceQuota");
            assertThat(store.list("")).isEmpty();
            assertThat(hdfs.fileSystem().listStatus(new Path(root + "/.cairn-tmp"))).isEmpty();
        }
    }

    @Test
    void exceededNamespaceQuotaIsExplained()
            throws IOException
    {
        String root = freshRoot();
        try (CheckpointStore store = stores().open(hdfs.uri(root))) {
            store.write("a", new ByteArrayInputStream(bytes("a")), 1);
            // the root, its temp directory and "a": no room for one more name
            hdfs.fileSystem().setQuota(new Path(root), 3, HdfsConstants.QUOTA_DONT_SET);
            assertThatThrownBy(() -> store.createIfAbsent("b", bytes("b")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(hdfs.location(root) + "/b")
                    .hasMessageContaining("quota is exceeded");
            assertThat(store.list("")).containsExactly("a");
        }
    }

    @Test
    void permissionDeniedNamesTheUserAndThePath()
            throws Exception
    {
        String parent = freshRoot();
        DistributedFileSystem admin = hdfs.fileSystem();
        // mkdirs(path, 0700) would make the missing parents 0700 too
        admin.mkdirs(new Path(parent));
        admin.mkdirs(new Path(parent + "/private"), new FsPermission((short) 0700));

        assertThatThrownBy(() -> asMallory(() -> stores().open(hdfs.uri(parent + "/private/store"))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(hdfs.location(parent + "/private/store").toString())
                .hasMessageContaining("permission denied for user mallory")
                .hasMessageContaining("hdfs dfs -chmod");
    }

    @Test
    void readOnlyUserCanReadButWritesNameThePermission()
            throws Exception
    {
        String root = freshRoot();
        try (CheckpointStore owner = stores().open(hdfs.uri(root))) {
            owner.write("runs/r/lease", new ByteArrayInputStream(bytes("lease")), 5);
        }
        // the store's directories are 755 and its files 644: others may read, not write
        try (CheckpointStore reader = asMallory(() -> stores().open(hdfs.uri(root)))) {
            assertThat(reader.list("")).containsExactly("runs/r/lease");
            assertThat(reader.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));
            assertThatThrownBy(() -> reader.write("runs/r/lease", new ByteArrayInputStream(bytes("stolen")), 6))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(hdfs.location(root) + "/runs/r/lease")
                    .hasMessageContaining("permission denied for user mallory");
            assertThatThrownBy(() -> reader.delete(List.of("runs/r/lease")))
                    .hasMessageContaining("Cannot delete " + hdfs.location(root) + "/runs/r/lease")
                    .hasMessageContaining("permission denied");
            assertThat(reader.readAllBytes("runs/r/lease")).isEqualTo(bytes("lease"));
        }
    }

    private static <T> T asMallory(PrivilegedExceptionAction<T> action)
            throws Exception
    {
        return UserGroupInformation.createRemoteUser("mallory").doAs(action);
    }

    private static void createFile(String path)
            throws IOException
    {
        try (var out = hdfs.fileSystem().create(new Path(path))) {
            out.write(1);
        }
    }

    private static HdfsStoreConfig config(String uri)
    {
        return config(URI.create(uri), Map.of(), Map.of());
    }

    /**
     * The configuration of an {@code hdfs:} store in a process with this environment and no system
     * properties.
     */
    private static HdfsStoreConfig config(URI uri, Map<String, String> options, Map<String, String> environment)
    {
        return HdfsStoreConfig.from("hdfs", uri, options, HdfsStoreConfig.settings().systemProperties(Map.of()).environment(environment), environment);
    }

    private static String siteXml(Map<String, String> properties)
    {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        properties.forEach((name, value) -> xml.append("  <property><name>").append(name).append("</name><value>").append(value).append("</value></property>\n"));
        return xml.append("</configuration>\n").toString();
    }

    private static byte[] bytes(String s)
    {
        return s.getBytes(UTF_8);
    }
}
