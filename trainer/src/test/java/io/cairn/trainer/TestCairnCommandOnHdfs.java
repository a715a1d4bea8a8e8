package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.storage.hdfs.MiniHdfs;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
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
    Path temp;

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
        CliRun train = cairn("train", "--store", store, "--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
                "--save-every-steps", "50", "--mode", "full", "--keep-last", "2", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();

        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        JsonNode checkpoints = ls.json().get("checkpoints");
        assertThat(checkpoints.findValues("step")).extracting(JsonNode::asLong).containsExactly(100L, 150L);

        String local = temp.resolve("local").toString();
        assertThat(cairn("train", "--store", local, "--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
                "--save-every-steps", "50", "--mode", "full", "--keep-last", "2").exitCode()).isZero();
        JsonNode localCheckpoints = cairn("ls", "--store", local, "--json").json().get("checkpoints");
        for (int i = 0; i < 2; i++) {
            for (String field : List.of("step", "epoch", "kind", "bytes", "metrics")) {
                assertThat(checkpoints.get(i).get(field)).as(field).isEqualTo(localCheckpoints.get(i).get(field));
            }
        }

        Path out = temp.resolve("export");
        CliRun export = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(out.resolve("saved_model.pb")).isRegularFile();

        List<String> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> listing = hdfs.fileSystem().listFiles(new org.apache.hadoop.fs.Path("/ckpt"), true);
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
        String[] flags = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32", "--mode", "state", "--save-every-steps", "10"};
        String whole = hdfs.uri("/whole");
        String interrupted = hdfs.uri("/interrupted");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        assertThat(cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--max-steps", "73")).exitCode()).isZero();
        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(70);
        assertThat(dataFileHash(interrupted)).isEqualTo(dataFileHash(whole));
    }

    private static String dataFileHash(String store)
    {
        JsonNode checkpoint = cairn("inspect", "--store", store, "--latest", "--json").json();
        assertThat(checkpoint.get("step").asLong()).isEqualTo(160);
        for (JsonNode file : checkpoint.get("files")) {
            if (file.get("path").asText().startsWith("variables/variables.data")) {
                return file.get("sha256").asText();
            }
        }
        throw new AssertionError("no data file in " + checkpoint);
    }

    private static String[] concat(String[] first, String... more)
    {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
