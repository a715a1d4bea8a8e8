package io.cairn.storage.hdfs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real HDFS for tests: Hadoop's MiniDFSCluster (one NameNode, one DataNode unless {@link #builder}
 * asks for more) in this JVM, on 127.0.0.1 and random ports, with its data under
 * {@code target/minihdfs/}. Also used by the trainer's end-to-end tests through this module's
 * test-jar. Start one per test class: it takes a few seconds.
 */
public final class MiniHdfs
        implements AutoCloseable
{
    /**
     * Client settings every {@link #uri} of a one-DataNode cluster carries: one replica, and a 10 ms
     * first wait for a closing block's acknowledgement instead of 400 ms (a small file then closes in
     * ~15 ms, not ~230 ms). A cluster from {@link #builder} carries its own replication instead
     * ({@link #clientSettings()}).
     */
    public static final Map<String, String> CLIENT_SETTINGS = clientSettings(1);

    /**
     * System property naming the directory under which each cluster keeps its data in a directory of
     * its own (default {@code target/minihdfs}, relative to the working directory: the module's, under
     * Maven).
     */
    public static final String BASE_DIRECTORY_PROPERTY = "cairn.minihdfs.basedir";

    private final MiniDFSCluster cluster;
    private final Path baseDirectory;
    private final Map<String, String> clientSettings;
    // kept, so URIs can still be made while the NameNode is down (a restarted one binds the same port)
    private final int nameNodePort;

    private MiniHdfs(MiniDFSCluster cluster, Path baseDirectory, Map<String, String> clientSettings)
    {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.clientSettings = clientSettings;
        this.nameNodePort = cluster.getNameNodePort();
    }

    public static MiniHdfs start()
            throws IOException
    {
        return start(Map.of());
    }

    /**
     * A cluster with extra Hadoop settings for its NameNode and DataNode.
     */
    public static MiniHdfs start(Map<String, String> settings)
            throws IOException
    {
        return builder().settings(settings).start();
    }

    /**
     * A cluster of more DataNodes, or with another replication, than {@link #start()}'s one.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    public static final class Builder
    {
        private int dataNodes = 1;
        private int replication = 1;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {}

        public Builder dataNodes(int dataNodes)
        {
            if (dataNodes < 1) {
                throw new IllegalArgumentException("A cluster needs at least one DataNode, got " + dataNodes);
            }
            this.dataNodes = dataNodes;
            return this;
        }

        /**
         * The {@code dfs.replication} of the cluster and of every {@link #uri}; at most the number of
         * DataNodes.
         */
        public Builder replication(int replication)
        {
            if (replication < 1) {
                throw new IllegalArgumentException("Replication must be at least 1, got " + replication);
            }
            this.replication = replication;
            return this;
        }

        /**
         * Extra Hadoop settings for the NameNode and the DataNodes.
         */
        public Builder settings(Map<String, String> settings)
        {
            this.settings.putAll(settings);
            return this;
        }

        public MiniHdfs start()
                throws IOException
        {
            if (replication > dataNodes) {
                throw new IllegalArgumentException("Replication " + replication + " needs as many DataNodes, got " + dataNodes);
            }
            Path baseDirectory = Path.of(System.getProperty(BASE_DIRECTORY_PROPERTY, "target/minihdfs")).toAbsolutePath()
                    .resolve(UUID.randomUUID().toString());
            Map<String, String> clientSettings = clientSettings(replication);
            Configuration configuration = new HdfsConfiguration();
            configuration.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDirectory.toString());
            clientSettings.forEach(configuration::set);
            settings.forEach(configuration::set);
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(configuration)
                    .numDataNodes(dataNodes)
                    .build();
            try {
                cluster.waitActive();
            }
            catch (IOException | RuntimeException e) {
                cluster.shutdown(true);
                throw e;
            }
            return new MiniHdfs(cluster, baseDirectory, clientSettings);
        }
    }

    /**
     * {@code 127.0.0.1:<port>} of the NameNode.
     */
    public String nameNode()
    {
        return "127.0.0.1:" + nameNodePort;
    }

    public int nameNodePort()
    {
        return nameNodePort;
    }

    /**
     * {@code hdfs://127.0.0.1:<port>/<path>?<client settings>}, for {@code CheckpointStores.open} or
     * {@code --store}.
     */
    public String uri(String path)
    {
        return "hdfs://" + nameNode() + "/" + path.replaceAll("^/+", "") + "?" + clientSettings.entrySet().stream()
                .map(setting -> setting.getKey() + "=" + URLEncoder.encode(setting.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * The client settings {@link #uri} carries: {@link #CLIENT_SETTINGS} with this cluster's replication.
     */
    public Map<String, String> clientSettings()
    {
        return clientSettings;
    }

    /**
     * {@code hdfs://127.0.0.1:<port>/<path>}, with no settings.
     */
    public URI location(String path)
    {
        return URI.create("hdfs://" + nameNode() + "/" + path.replaceAll("^/+", ""));
    }

    /**
     * A client of the cluster as its superuser (the user running the tests), independent of the code
     * under test.
     */
    public DistributedFileSystem fileSystem()
            throws IOException
    {
        return cluster.getFileSystem();
    }

    public MiniDFSCluster cluster()
    {
        return cluster;
    }

    @Override
    public void close()
            throws IOException
    {
        cluster.shutdown(true);
        if (Files.exists(baseDirectory)) {
            try (Stream<Path> paths = Files.walk(baseDirectory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static Map<String, String> clientSettings(int replication)
    {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10");
        // the delay doubles per retry: 12 retries wait up to ~40 s for the DataNode's block report on a
        // loaded machine, where the default 5 give up after 310 ms ("does not have enough number of replicas")
        settings.put("dfs.client.block.write.locateFollowingBlock.retries", "12");
        settings.put("dfs.replication", Integer.toString(replication));
        return Collections.unmodifiableMap(settings);
    }
}
