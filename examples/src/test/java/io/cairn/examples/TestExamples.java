package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TestExamples
{
    // 1000 samples in batches of 32 make 32 batches an epoch: step 50 is batch 18 of the second epoch,
    // 100 batch 4 of the fourth, 150 batch 22 of the fifth (as "step/epochs done/batches done")
    private static final String[] SEED_POSITIONS = {"50/1/18", "100/3/4", "150/4/22"};

    @TempDir
    Path directory;

    @Test
    void periodicFullSavesCommitsEveryFiftySteps()
            throws IOException
    {
        assertThat(PeriodicFullSaves.run(storeUri())).containsExactly(50L, 100L, 150L);
        assertThat(manifests()).hasSize(3);
        assertThat(recordedPositions()).containsExactly(SEED_POSITIONS);
    }

    @Test
    void weightSavesRestoreIntoAFreshModelThatPredictsAsTheTrainedOne()
            throws IOException
    {
        WeightSaves.Result result = WeightSaves.run(storeUri());

        assertThat(result.committedSteps()).containsExactly(50L, 100L, 150L);
        // a weights checkpoint keeps no trainer state, but its manifest says which epoch it is from
        assertThat(recordedPositions()).containsExactly("50/1", "100/3", "150/4");
        assertThat(result.restoredStep()).isEqualTo(150L);
        assertThat(result.restoredPredictions()).isDeepEqualTo(result.savedPredictions());
        assertThat(result.predictionsMatch()).isTrue();
        // the restore is what made them equal: the same code alone builds the untrained model
        assertThat(result.freshPredictions()).isNotEqualTo(result.savedPredictions());
    }

    @Test
    void stepCheckpointCallbackSavesEveryFiftyStepsInsideFit()
            throws IOException
    {
        assertThat(StepCheckpointCallback.run(storeUri())).containsExactly(50L, 100L, 150L);
        assertThat(manifests()).hasSize(3);
        assertThat(recordedPositions()).containsExactly(SEED_POSITIONS);
    }

    @Test
    void continualLearningReplicaServesEachRoundsWeightsAndRetentionKeepsTwo()
            throws IOException
    {
        ContinualLearning.Result result = ContinualLearning.run(storeUri());

        // 256 samples in batches of 32: 8 steps a round
        assertThat(result.committedSteps()).containsExactly(8L, 16L, 24L, 32L);
        assertThat(result.servedSteps()).isEqualTo(result.committedSteps());
        assertThat(result.replicaAlwaysStale()).isTrue();
        assertThat(result.replicaAlwaysMatched()).isTrue();
        assertThat(result.keptSteps()).containsExactly(24L, 32L);
        assertThat(manifests()).hasSize(2);
    }

    @Test
    void resumeAfterAnInterruptionMidEpochEndsBitIdentical()
            throws IOException
    {
        ResumeAfterInterruption.Result result = ResumeAfterInterruption.run(storeUri());

        // step 73 is batch 9 of the third epoch
        assertThat(result.resumedFrom().step()).isEqualTo(73L);
        assertThat(result.resumedFrom().epoch()).isEqualTo(2);
        assertThat(result.resumedFrom().batchInEpoch()).isEqualTo(9);
        assertThat(result.resumedHash()).matches("[0-9a-f]{64}").isEqualTo(result.uninterruptedHash());
        assertThat(result.identical()).isTrue();
    }

    @Test
    void aFineTuneWithAFrozenLayerAddsOnlyWhatChanged()
            throws IOException
    {
        FineTune.Result result = FineTune.run(storeUri());

        assertThat(result.parentSave().step()).isEqualTo(32L);
        assertThat(result.saves()).extracting(CommittedSave::step).containsExactly(50L, 100L, 150L);
        for (CommittedSave save : result.saves()) {
            // B has no optimizer slots for the frozen layer: its full save is under half of A's
            assertThat(save.bytes()).isLessThan(result.parentSave().bytes() / 2);
            assertThat(save.bytesAdded()).as("step " + save.step()).isLessThan(save.bytes() / 2);
        }
        // after the first, a save adds the changed layers' bytes only
        assertThat(result.saves().get(2).bytesAdded()).isLessThan(result.saves().get(2).bytes() * 2 / 5);
    }

    @Test
    void theLauncherListsEveryExample()
            throws Exception
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Examples.main(new String[] {"--list"});
        }
        finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("full-saves", "weight-saves", "callback-saves", "continual-learning", "resume", "fine-tune", "custom-store", "guice-app");
    }

    @Test
    void runningTwiceInOneStoreStartsASecondRun()
            throws IOException
    {
        PeriodicFullSaves.run(storeUri());
        assertThat(PeriodicFullSaves.run(storeUri())).containsExactly(50L, 100L, 150L);
        assertThat(manifests()).hasSize(6);
    }

    private List<String> recordedPositions()
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri());
                CheckpointRepository repository = CheckpointRepository.open(store)) {
            return repository.checkpoints().stream()
                    .map(manifest -> manifest.step() + "/" + manifest.epoch() + (manifest.trainerState() == null ? "" : "/" + manifest.trainerState().batchInEpoch()))
                    .toList();
        }
    }

    private String storeUri()
    {
        return directory.toUri().toString();
    }

    // read with the file system, not the code under test: manifests are <root>/runs/<run>/checkpoints/<step>.json
    private List<Path> manifests()
            throws IOException
    {
        try (Stream<Path> files = Files.walk(directory.resolve("runs"))) {
            return files.filter(file -> file.getParent().getFileName().toString().equals("checkpoints") && file.toString().endsWith(".json")).toList();
        }
    }
}
