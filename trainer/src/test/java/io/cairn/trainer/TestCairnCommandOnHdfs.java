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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line end to end on {@code hdfs://}, against a MiniDFSCluster in this JVM: train, ls,
 * export, resume; Hadoop's own client sees the layout of DESIGN.md.
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
    void resumeOnHdfsEndsLikeAnUninterruptedRun()
    {
        Scenarios.assertResumeEndsLikeAnUninterruptedRun(hdfs.uri("/whole"), hdfs.uri("/interrupted"));
    }
}
