package io.cairn.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TestExamples
{
    @TempDir
    Path directory;

    @Test
    void periodicFullSavesCommitsEveryFiftySteps()
            throws IOException
    {
        assertThat(PeriodicFullSaves.run(storeUri())).containsExactly(50L, 100L, 150L);
        assertThat(manifests()).hasSize(3);
    }

    @Test
    void weightSavesRestoreIntoAFreshModelThatPredictsAsTheTrainedOne()
            throws IOException
    {
        WeightSaves.Result result = WeightSaves.run(storeUri());

        assertThat(result.committedSteps()).containsExactly(50L, 100L, 150L);
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
    }

    @Test
    void runningTwiceInOneStoreStartsASecondRun()
            throws IOException
    {
        PeriodicFullSaves.run(storeUri());
        assertThat(PeriodicFullSaves.run(storeUri())).containsExactly(50L, 100L, 150L);
        assertThat(manifests()).hasSize(6);
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
