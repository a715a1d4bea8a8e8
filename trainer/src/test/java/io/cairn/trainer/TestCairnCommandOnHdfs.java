package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.storage.hdfs.MiniHdfs;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line end to end on {@code hdfs://}, against a MiniDFSCluster in this JVM: train, ls,
 * export, resume; Hadoop's own client sees the layout of docs/architecture.md.
 */
class TestCairnCommandOnHdfs
{
    private static MiniHdfs hdfs;

    @TempDir
    File temp;

    @BeforeAll
    static void startCluster()
            throws IOException
    {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stopCluster()
            throws IOException
    {
        hdfs.close();
    }

    @Test
    void trainListExportAndResumeOnHdfs()
            throws IOException
    {
        String store = hdfs.uri("/ckpt");
        JsonNode checkpoints = Scenarios.trainSeedKeepingTheLastTwo(store);
        Scenarios.assertSameCheckpoints(checkpoints, Scenarios.trainSeedKeepingTheLastTwo(new File(temp, "local").toString()));

        File out = new File(temp, "export");
        CliRun export = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(new File(out, "saved_model.pb")).isFile();

        List<String> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = hdfs.fileSystem().listFiles(new Path("/ckpt"), true);
        while (listing.hasNext()) {
            files.add(listing.next().getPath().toUri().getPath());
        }
        assertThat(files).contains("/ckpt/cairn-repository.json");
        assertThat(files).anyMatch(path -> path.matches("/ckpt/chunks/[0-9a-f]{2}/[0-9a-f]{64}"));
        assertThat(files).filteredOn(path -> path.contains("/checkpoints/")).hasSize(2)
                .allMatch(path -> path.matches("/ckpt/runs/[^/]+/checkpoints/\\d{20}\\.json"));
        assertThat(files).noneMatch(path -> path.contains(".cairn-tmp"));
    }

    @Test
    void hdfsSettingsComeFromStoreOptions()
            throws IOException
    {
        // the URI has no query: the client settings and the block size come only from --store-option
        String store = hdfs.location("/options").toString();
        List<String> args = new ArrayList<>(List.of("train", "--store", store, "--epochs", "1", "--save-every-steps", "32", "--mode", "weights", "--store-option", "block-size=1MiB"));
        MiniHdfs.CLIENT_SETTINGS.forEach((key, value) -> args.addAll(List.of("--store-option", key + "=" + value)));
        CliRun train = cairn(args.toArray(String[]::new));
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(hdfs.fileSystem().getFileStatus(new Path("/options/cairn-repository.json")).getBlockSize()).isEqualTo(1L << 20);

        CliRun badValue = cairn("ls", "--store", store, "--store-option", "replication=0");
        assertUsageError(badValue, "replication");
    }

    @Test
    void resumeOnHdfsEndsLikeAnUninterruptedRun()
    {
        Scenarios.assertResumeEndsLikeAnUninterruptedRun(hdfs.uri("/whole"), hdfs.uri("/interrupted"));
    }
}
