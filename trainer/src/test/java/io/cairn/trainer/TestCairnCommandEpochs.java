package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cairn.trainer.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One epoch convention for people: what the progress line says is what {@code ls} and {@code inspect}
 * say, counting from 1; {@code --json} keeps the epochs completed.
 */
class TestCairnCommandEpochs
{
    @TempDir
    Path temp;

    @Test
    void lsAndInspectShowTheEpochTheProgressLineShowedWhileJsonCountsEpochsCompleted()
    {
        // 1000 samples in batches of 32: 32 steps an epoch, so step 50 is in epoch 2, step 150 in epoch 5
        String store = temp.resolve("steps").toString();
        CliRun train = cairn("train", "--store", store, "--save-every-steps", "50", "--mode", "full");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("Epoch 2/5 - 32/32 steps - step 64");

        assertThat(humanEpochs(store)).containsExactly(Map.entry(50L, 2), Map.entry(100L, 4), Map.entry(150L, 5));
        assertThat(jsonEpochs(store)).containsExactly(Map.entry(50L, 1), Map.entry(100L, 3), Map.entry(150L, 4));
        assertThat(cairn("inspect", "--store", store, "--step", "50").err()).contains("step 50 (epoch 2)");
    }

    @Test
    void aSaveAtAnEpochsEndIsInThatEpoch()
    {
        String store = temp.resolve("epochs").toString();
        CliRun train = cairn("train", "--store", store, "--save-every-epochs", "2", "--mode", "state");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        // saved at the ends of epochs 2 and 4, after the progress lines "Epoch 2/5" and "Epoch 4/5"
        assertThat(humanEpochs(store)).containsExactly(Map.entry(64L, 2), Map.entry(128L, 4));
        assertThat(jsonEpochs(store)).containsExactly(Map.entry(64L, 2), Map.entry(128L, 4));
    }

    @Test
    void theEpochTakenInCountsFromOneForEveryKind()
    {
        assertThat(Epochs.takenIn(manifest(SaveKind.STATE, 0, TrainerState.at(18, 0, 18)))).isEqualTo(1);
        assertThat(Epochs.takenIn(manifest(SaveKind.STATE, 0, TrainerState.at(32, 0, 32)))).isEqualTo(1);
        assertThat(Epochs.takenIn(manifest(SaveKind.FULL, 1, TrainerState.at(32, 1, 0)))).isEqualTo(1);
        assertThat(Epochs.takenIn(manifest(SaveKind.FULL, 1, TrainerState.at(50, 1, 18)))).isEqualTo(2);
        assertThat(Epochs.takenIn(manifest(SaveKind.STATE, 0, TrainerState.atStep(7)))).isEqualTo(1);
        assertThat(Epochs.takenIn(manifest(SaveKind.WEIGHTS, 1, null))).isEqualTo(2);
    }

    private static Map<Long, Integer> humanEpochs(String store)
    {
        CliRun ls = cairn("ls", "--store", store);
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        Map<Long, Integer> epochs = new LinkedHashMap<>();
        ls.err().lines().skip(1).map(line -> line.trim().split("\\s+")).filter(columns -> columns.length > 3 && columns[1].matches("\\d+"))
                .forEach(columns -> epochs.put(Long.parseLong(columns[1]), Integer.parseInt(columns[2])));
        return epochs;
    }

    private static Map<Long, Integer> jsonEpochs(String store)
    {
        Map<Long, Integer> epochs = new LinkedHashMap<>();
        for (JsonNode checkpoint : cairn("ls", "--store", store, "--json").json().get("checkpoints")) {
            epochs.put(checkpoint.get("step").asLong(), checkpoint.get("epoch").asInt());
        }
        return epochs;
    }

    private static Manifest manifest(SaveKind kind, int epoch, TrainerState state)
    {
        return new Manifest(Manifest.FORMAT_VERSION, "r1", state == null ? 40 : state.step(), epoch, kind, "2026-11-29T04:03:24.100Z", Map.of(),
                new Manifest.ModelInfo("m", "c".repeat(64)), 4 << 20, List.of(), List.of(), state);
    }
}
