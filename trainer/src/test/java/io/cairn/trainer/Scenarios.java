package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.stream.Stream;

import static io.cairn.trainer.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Command-line scenarios every store must pass the same way: local disk, S3, HDFS.
 */
final class Scenarios
{
    static final String DATA_FILE = "variables/variables.data-00000-of-00001";
    static final String[] SEED_FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32"};

    private Scenarios() {}

    /**
     * The seed run with FULL saves every 50 steps, keeping the last two.
     *
     * @return {@code ls --json}'s checkpoints
     */
    static JsonNode trainSeedKeepingTheLastTwo(String store)
    {
        CliRun train = cairn(concat(concat(new String[] {"train", "--store", store}, SEED_FLAGS), "--save-every-steps", "50", "--mode", "full", "--keep-last", "2"));
        assertThat(train.exitCode()).as(train.toString()).isZero();
        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        JsonNode checkpoints = ls.json().get("checkpoints");
        assertThat(checkpoints.findValues("step")).extracting(JsonNode::asLong).containsExactly(100L, 150L);
        return checkpoints;
    }

    /**
     * Two listings show the same checkpoints, run ids and times aside.
     */
    static void assertSameCheckpoints(JsonNode actual, JsonNode expected)
    {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            for (String field : List.of("step", "epoch", "kind", "bytes", "metrics")) {
                assertThat(actual.get(i).get(field)).as(field).isEqualTo(expected.get(i).get(field));
            }
        }
    }

    /**
     * STATE saves every 10 steps: stopped at step 73 and resumed, the run ends with the same variables
     * as a run that was never interrupted.
     */
    static void assertResumeEndsLikeAnUninterruptedRun(String whole, String interrupted)
    {
        String[] flags = concat(SEED_FLAGS, "--mode", "state", "--save-every-steps", "10");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        CliRun stopped = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--max-steps", "73", "--json"));
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.json().get("steps").asLong()).isEqualTo(73);
        assertThat(stopped.json().get("saved").toString()).endsWith(",70]");

        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("Resuming run").contains("from step 70");
        assertThat(resumed.json().get("run").asText()).isEqualTo(stopped.json().get("run").asText());
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(70);
        assertThat(resumed.json().get("steps").asLong()).isEqualTo(160);

        JsonNode last = inspectLatest(interrupted);
        assertThat(last.get("step").asLong()).isEqualTo(160);
        assertThat(last.get("trainerState").get("epoch").asInt()).isEqualTo(4);
        assertThat(last.get("trainerState").get("batchInEpoch").asInt()).isEqualTo(32);
        assertThat(dataFileHash(last)).isEqualTo(dataFileHash(inspectLatest(whole)));
    }

    /**
     * Run A trains {@code mlp:100,256,16,5} saving FULL every 50 steps in 4 KiB chunks; run B starts from
     * A's newest checkpoint with the first dense layer frozen. B records A's checkpoint as its parent,
     * and from its second save on each save adds at most 40 % of its bytes: the frozen layer and the
     * graph are chunks the repository holds.
     *
     * @return B's {@code train --json}
     */
    static JsonNode fineTuneTheLatestCheckpointWithTheFirstLayerFrozen(String store)
    {
        String[] flags = {"--model", "mlp:100,256,16,5", "--mode", "full", "--save-every-steps", "50", "--chunk-size", "4KiB", "--json"};
        CliRun a = cairn(concat(new String[] {"train", "--store", store}, flags));
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(a.json().get("initFrom").isNull()).isTrue();
        String parent = a.json().get("run").asText() + "@150";

        CliRun b = cairn(concat(concat(new String[] {"train", "--store", store}, flags), "--init-from", "latest", "--freeze", "1"));
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(b.err()).contains("from checkpoint " + parent).contains("first 1 layer frozen");
        JsonNode summary = b.json();
        assertThat(summary.get("run").asText()).isNotEqualTo(a.json().get("run").asText());
        assertThat(summary.get("initFrom").asText()).isEqualTo(parent);
        JsonNode saves = summary.get("bytesAdded");
        assertThat(saves.findValues("step")).extracting(JsonNode::asLong).containsExactly(50L, 100L, 150L);
        long firstBytesAdded = saves.get(0).get("bytesAdded").asLong();
        for (int i = 1; i < saves.size(); i++) {
            JsonNode save = saves.get(i);
            assertThat(save.get("bytesAdded").asLong()).as(saves.toString()).isPositive().isLessThan(firstBytesAdded)
                    .isLessThanOrEqualTo(save.get("bytes").asLong() * 40 / 100);
        }
        // the frozen layer's weights are A's: even B's first save adds less than it holds
        assertThat(firstBytesAdded).as(saves.toString()).isLessThan(saves.get(0).get("bytes").asLong());
        return summary;
    }

    /**
     * Exit 2 with one line from cairn, saying {@code expected}.
     */
    static void assertUsageError(CliRun run, String expected)
    {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        List<String> lines = run.err().lines().filter(line -> line.startsWith("cairn")).toList();
        assertThat(lines).as(run.toString()).hasSize(1);
        assertThat(lines.get(0)).contains(expected);
    }

    static JsonNode inspectLatest(String store)
    {
        CliRun inspect = cairn("inspect", "--store", store, "--latest", "--json");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        return inspect.json();
    }

    static String dataFileHash(JsonNode checkpoint)
    {
        for (JsonNode file : checkpoint.get("files")) {
            if (file.get("path").asText().equals(DATA_FILE)) {
                return file.get("sha256").asText();
            }
        }
        throw new AssertionError("no " + DATA_FILE + " in " + checkpoint);
    }

    static String[] concat(String[] first, String... more)
    {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }
}
