package io.cairn.storage.hdfs;

import io.cairn.store.contract.AbstractCheckpointStoreTest;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterEach;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract suite's view of an HDFS store whose root is a directory of a MiniDFSCluster, reached
 * directly or through a {@code viewfs:} mount: raw access goes to that directory.
 */
abstract class AbstractHdfsCheckpointStoreTest
        extends AbstractCheckpointStoreTest
{
    /**
     * The cluster's own client, independent of the code under test.
     */
    protected abstract DistributedFileSystem rawFileSystem()
            throws IOException;

    /**
     * The HDFS path of the store's root directory on the cluster.
     */
    protected abstract String rawRoot();

    @AfterEach
    void noTempFilesLeft()
            throws IOException
    {
        store().close();
        // whatever a test did, successful or failed writes leave nothing behind in the temp area
        assertThat(tempFiles()).isEmpty();
    }

    @Override
    protected Optional<byte[]> readRaw(String key)
            throws IOException
    {
        try (InputStream in = rawFileSystem().open(new Path(rawRoot() + "/" + key))) {
            return Optional.of(in.readAllBytes());
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
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
        try {
            return rawFileSystem().getFileStatus(new Path(path.isEmpty() ? rawRoot() : rawRoot() + "/" + path)).isDirectory();
        }
        catch (FileNotFoundException e) {
            return false;
        }
    }

    @Override
    protected Optional<String> reservedName()
    {
        return Optional.of(HdfsCheckpointStore.TEMP_DIRECTORY);
    }

    /**
     * A temp file still open for writing, as a crashed writer leaves it until its lease expires.
     */
    @Override
    protected Closeable leaveWhatACrashedWriterLeaves(byte[] data)
            throws IOException
    {
        Path leftover = new Path(rawRoot() + "/" + HdfsCheckpointStore.TEMP_DIRECTORY + "/crashed.tmp");
        FSDataOutputStream out = rawFileSystem().create(leftover);
        out.write(data);
        out.hflush();
        return () -> {
            out.close();
            rawFileSystem().delete(leftover, false);
        };
    }

    /**
     * HDFS names the file in the way by its full URI.
     */
    @Override
    protected String blobInTheWay(String blobKey)
    {
        return store().location() + "/" + blobKey + " is a file, not a directory";
    }

    @Override
    protected int concurrentWriteRounds()
    {
        // each round is a dozen NameNode calls: fewer rounds still race the prunes many times
        return 50;
    }

    private List<String> tempFiles()
            throws IOException
    {
        Path temp = new Path(rawRoot() + "/" + HdfsCheckpointStore.TEMP_DIRECTORY);
        if (!rawFileSystem().exists(temp)) {
            return List.of();
        }
        return Arrays.stream(rawFileSystem().listStatus(temp)).map(status -> status.getPath().getName()).toList();
    }
}
