package io.cairn.storage.hdfs;

import io.cairn.core.checkpoint.ThroughputProbe;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.store.StoreStreams;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Locale;

/**
 * Write and read MB/s of one checkpoint-sized file (default 300 MB) through Cairn's repository (4 MiB
 * chunks, SHA-256, parallel uploads, one hsynced temp file and one rename per chunk, hash-verified
 * reads) next to a plain Hadoop {@code FileSystem} create and open of the same bytes (one file, no
 * hsync, as {@code hdfs dfs -put} writes), against one MiniDFSCluster on 127.0.0.1 in the same run.
 * Not a test: run it with {@code java -cp} on the test class path (see this module's README).
 */
public final class HdfsThroughputBenchmark
{
    private static final int COPY_BUFFER = 1 << 20;

    private HdfsThroughputBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        File file = Files.createTempFile("cairn-hdfs-bench-", ".data").toFile();
        // the cluster's blocks go to a temp directory unless -Dcairn.minihdfs.basedir says where
        File clusterDirectory = null;
        if (System.getProperty(MiniHdfs.BASE_DIRECTORY_PROPERTY) == null) {
            clusterDirectory = Files.createTempDirectory("cairn-hdfs-bench-cluster-").toFile();
            System.setProperty(MiniHdfs.BASE_DIRECTORY_PROPERTY, clusterDirectory.toString());
        }
        try (MiniHdfs hdfs = MiniHdfs.start()) {
            ThroughputProbe.writeRandom(file.toPath(), megabytes);
            long bytes = file.length();
            Configuration plainConfiguration = new Configuration(hdfs.fileSystem().getConf());
            MiniHdfs.CLIENT_SETTINGS.forEach(plainConfiguration::set);
            for (int round = 1; round <= rounds; round++) {
                String prefix = "/bench/round-" + round;

                // plain Hadoop client: one file, created and read back whole
                double plainWrite;
                double plainRead;
                try (FileSystem plain = FileSystem.newInstance(hdfs.location("/"), plainConfiguration)) {
                    Path target = new Path(prefix + "-plain/blob");
                    long started = System.nanoTime();
                    try (InputStream in = Files.newInputStream(file.toPath()); FSDataOutputStream out = plain.create(target)) {
                        StoreStreams.copy(in, out, COPY_BUFFER);
                    }
                    plainWrite = ThroughputProbe.seconds(started);
                    started = System.nanoTime();
                    long read;
                    try (FSDataInputStream in = plain.open(target)) {
                        read = StoreStreams.copy(in, OutputStream.nullOutputStream(), COPY_BUFFER);
                    }
                    plainRead = ThroughputProbe.seconds(started);
                    if (read != bytes) {
                        throw new IllegalStateException("Plain read returned " + read + " bytes");
                    }
                }

                // Cairn: chunk, hash, write missing chunks in parallel; read back verifying every hash
                ThroughputProbe.Timing cairn = ThroughputProbe.throughCairn(CheckpointStores.of(new HdfsCheckpointStoreProvider()).open(hdfs.uri(prefix + "-cairn")), file.toPath());
                double cairnWrite = cairn.writeSeconds();
                double cairnRead = cairn.readSeconds();
                System.out.printf(Locale.ROOT, "{\"round\": %d, \"megabytes\": %.1f, \"cairnWriteMBps\": %.1f, \"cairnLaterWriteMBps\": %.1f, \"plainWriteMBps\": %.1f, "
                                + "\"cairnReadMBps\": %.1f, \"plainReadMBps\": %.1f}%n",
                        round, bytes / 1e6, bytes / 1e6 / cairnWrite, bytes / 1e6 / cairn.laterWriteSeconds(), bytes / 1e6 / plainWrite, bytes / 1e6 / cairnRead, bytes / 1e6 / plainRead);
            }
        }
        finally {
            Files.deleteIfExists(file.toPath());
            if (clusterDirectory != null) {
                // MiniHdfs.close deleted its own directory inside
                Files.deleteIfExists(clusterDirectory.toPath());
            }
        }
        // the MiniDFSCluster's web servers leave non-daemon threads behind
        System.exit(0);
    }
}
