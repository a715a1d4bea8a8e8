package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cairn train}'s flags for baselines, retention by wall time and fine-tuning, on local disk.
 */
class TestCairnCommandTrain
{
    @TempDir
    Path temp;

    @Test
    void noSaveTrainsWithoutStartingARunOrTouchingTheStore()
    {
        Path store = temp.resolve("baseline");
        CliRun train = cairn("train", "--store", store.toString(), "--no-save", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("without saving").contains("Epoch 5/5");
        JsonNode summary = train.json();
        assertThat(summary.get("run").isNull()).isTrue();
        assertThat(summary.get("steps").asLong()).isEqualTo(160);
        assertThat(summary.get("saved").toString()).isEqualTo("[]");
        assertThat(summary.get("retained").toString()).isEqualTo("[]");
        assertThat(summary.get("saveStallMillis").get("count").asInt()).isZero();
        assertThat(summary.get("metrics").has("loss")).isTrue();
        assertThat(store).doesNotExist();
    }

    @Test
    void noSaveWithASaveOrKeepFlagExitsTwoNamingBoth()
    {
        String store = temp.resolve("ckpt").toString();
        assertUsageError(cairn("train", "--store", store, "--no-save", "--save-every-steps", "10"), "--no-save and --save-every-steps");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--save-every", "5m"), "--no-save and --save-every ");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--save-on-finish"), "--no-save and --save-on-finish");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--keep-last", "2"), "--no-save and --keep-last");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--keep-every", "1h"), "--no-save and --keep-every");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--resume"), "--no-save and --resume");
        assertThat(temp.resolve("ckpt")).doesNotExist();
    }

    @Test
    void initFromLatestWithAFrozenLayerStartsANewRunThatAddsFewBytesPerSave()
    {
        String store = temp.resolve("ckpt").toString();
        JsonNode b = Scenarios.fineTuneTheLatestCheckpointWithTheFirstLayerFrozen(store);

        // resumed, the run stays a fine-tuned one, with the layer still frozen
        CliRun resumed = cairn("train", "--store", store, "--model", "mlp:100,256,16,5", "--mode", "full", "--save-every-steps", "50", "--freeze", "1",
                "--epochs", "6", "--resume", "--json");
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.json().get("run").asText()).isEqualTo(b.get("run").asText());
        assertThat(resumed.json().get("initFrom").asText()).isEqualTo(b.get("initFrom").asText());
        assertThat(resumed.err()).contains("(from " + b.get("initFrom").asText() + ")");
    }

    @Test
    void initFromARunOrAStepTakesThatCheckpoint()
    {
        String store = temp.resolve("ckpt").toString();
        CliRun a = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--json");
        assertThat(a.exitCode()).as(a.toString()).isZero();
        String run = a.json().get("run").asText();

        CliRun newest = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--init-from", run, "--json");
        assertThat(newest.exitCode()).as(newest.toString()).isZero();
        assertThat(newest.json().get("initFrom").asText()).isEqualTo(run + "@32");
        assertThat(newest.json().get("bytesAdded")).hasSize(2);

        CliRun atStep = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--init-from", run + "@16", "--json");
        assertThat(atStep.exitCode()).as(atStep.toString()).isZero();
        assertThat(atStep.json().get("initFrom").asText()).isEqualTo(run + "@16");
        assertThat(atStep.err()).contains("from checkpoint " + run + "@16 (FULL)");
    }

    @Test
    void initFromWhatIsNotThereOrDoesNotFitExitsTwoSayingWhatIs()
    {
        String store = temp.resolve("ckpt").toString();
        assertUsageError(cairn("train", "--store", store, "--init-from", "latest"), "holds no run to start from");
        CliRun a = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--json");
        assertThat(a.exitCode()).as(a.toString()).isZero();
        String run = a.json().get("run").asText();

        CliRun unknownRun = cairn("train", "--store", store, "--init-from", "20200101T000000000Z-000000");
        assertUsageError(unknownRun, "there is no run 20200101T000000000Z-000000");
        assertThat(unknownRun.err()).contains(run);
        assertUsageError(cairn("train", "--store", store, "--init-from", run + "@17"), "has no checkpoint at step 17; its steps: [16, 32]");
        assertUsageError(cairn("train", "--store", store, "--init-from", run + "@soon"), "'soon' is not a step");
        assertUsageError(cairn("train", "--store", store, "--init-from", "latest", "--resume"), "--init-from starts a new run and --resume continues one");
        assertUsageError(cairn("train", "--store", store, "--init-from", "latest", "--no-save"), "--no-save and --init-from");

        CliRun otherModel = cairn("train", "--store", store, "--init-from", "latest", "--model", "mlp:100,12,5");
        assertThat(otherModel.exitCode()).as(otherModel.toString()).isEqualTo(2);
        assertThat(otherModel.err()).contains("dense_1_kernel");

        assertUsageError(cairn("train", "--store", store, "--init-from", "latest", "--freeze", "2"), "--freeze 2: mlp:100,10,5 has 2 dense layer(s)");
        assertUsageError(cairn("train", "--store", store, "--freeze", "0"), "--freeze must be at least 1");
        // nothing failed left a run behind
        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.json().get("checkpoints").findValues("run")).extracting(JsonNode::asText).containsOnly(run);
    }

    @Test
    void keepEveryKeepsTheFirstCheckpointOfTheIntervalAndCombinesWithKeepLastByUnion()
    {
        // saved within seconds, all in the first hour: --keep-every 1h keeps the first, --keep-last 1 the last
        String store = temp.resolve("ckpt").toString();
        CliRun train = cairn("train", "--store", store, "--epochs", "2", "--save-every-steps", "10", "--keep-every", "1h", "--keep-last", "1", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.json().get("saved").toString()).isEqualTo("[10,20,30,40,50,60]");
        assertThat(train.json().get("retained").toString()).isEqualTo("[10,60]");
        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.json().get("checkpoints").findValues("step")).extracting(JsonNode::asLong).containsExactly(10L, 60L);

        // any duration the other duration flags take; alone, it keeps the first, and the run's newest always stays
        CliRun minutes = cairn("train", "--store", temp.resolve("minutes").toString(), "--epochs", "2", "--save-every-steps", "16", "--keep-every", "30m", "--json");
        assertThat(minutes.exitCode()).as(minutes.toString()).isZero();
        assertThat(minutes.json().get("retained").toString()).isEqualTo("[16,64]");
        assertUsageError(cairn("train", "--store", store, "--keep-every", "soon"), "--keep-every");
        assertUsageError(cairn("train", "--store", store, "--keep-every", "0s"), "--keep-every");
    }
}
