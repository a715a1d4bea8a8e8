package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TestCheckpointer
{
    private static final String DATA_FILE = "variables/variables.data-00000-of-00001";

    @Test
    void savesExactlyWhenThePolicySaysAndKeepsTheLastTwo()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.Outcome outcome = SeedTraining.train(store, SavePolicies.everySteps(50), SaveKind.FULL,
                CheckpointerOptions.defaults().withRetention(RetentionPolicy.keepLast(2)), false, Optional.empty());

        assertThat(outcome.fit().stepsRun()).isEqualTo(160);
        assertThat(outcome.committed()).containsExactly(50L, 100L, 150L);
        assertThat(outcome.retained()).containsExactly(100L, 150L);
    }

    @Test
    void retentionNeverDeletesTheNewestCheckpoint()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        // no checkpoint has the metric, so the rule alone would keep none
        SeedTraining.Outcome outcome = SeedTraining.train(store, SavePolicies.everySteps(50), SaveKind.WEIGHTS,
                CheckpointerOptions.defaults().withRetention(RetentionPolicy.keepBest(1, "f1", MetricMode.MAX)), false, Optional.empty());
        assertThat(outcome.committed()).containsExactly(50L, 100L, 150L);
        assertThat(outcome.retained()).containsExactly(150L);
    }

    @Test
    void exportedFullCheckpointServesWithTensorFlowsOwnLoader(@TempDir Path out)
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(50), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            Manifest latest = repository.checkpoints().get(repository.checkpoints().size() - 1);
            repository.materialize(latest, out);
        }
        float[][] input = new float[3][100];
        for (int i = 0; i < 100; i++) {
            input[0][i] = i / 100f;
            input[1][i] = -i / 50f;
            input[2][i] = (i % 7) - 3;
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve");
                TFloat32 x = Model.matrix(input);
                Result result = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 y = (TFloat32) result.get("y").orElseThrow();
            assertThat(y.shape().asArray()).containsExactly(3, 5);
            for (int row = 0; row < 3; row++) {
                double sum = 0;
                for (int column = 0; column < 5; column++) {
                    sum += y.getFloat(row, column);
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void exportSavedModelWritesExactlyASavedModelAndRefusesOtherKinds(@TempDir Path out)
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(80), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            Manifest full = repository.checkpoints().get(0);
            assertThat(full.trainerState()).isNotNull();
            repository.exportSavedModel(full, out);
            try (Stream<Path> files = Files.walk(out)) {
                assertThat(files.filter(Files::isRegularFile).map(file -> out.relativize(file).toString()))
                        .containsExactlyInAnyOrder("saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001");
            }
            try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve")) {
                assertThat(bundle.function("serving_default").signature().inputNames()).containsExactly("x");
            }
        }
        MemoryCheckpointStore weightsStore = new MemoryCheckpointStore();
        SeedTraining.train(weightsStore, SavePolicies.everySteps(80), SaveKind.WEIGHTS, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(weightsStore)) {
            Manifest weights = repository.checkpoints().get(0);
            assertThatThrownBy(() -> repository.exportSavedModel(weights, out.resolve("weights")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is WEIGHTS, not a SavedModel");
            assertThat(out.resolve("weights")).doesNotExist();
        }
    }

    @Test
    void aFineTuneStartsFromAnotherRunsWeightsWhateverItsOptimizerState()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(80), SaveKind.STATE, CheckpointerOptions.defaults(), false, Optional.empty());
        float[][] probe = new float[2][100];
        probe[1][3] = 1;
        try (CheckpointRepository repository = CheckpointRepository.open(store);
                Model trained = SeedTraining.model();
                Model frozen = Sequential.mlp(100, 10, 5).freeze(1).seed(7).build()) {
            Manifest state = repository.checkpoints().get(repository.checkpoints().size() - 1);
            repository.restore(state, trained);
            frozen.initialize();
            assertThat(frozen.predict(probe)).isNotEqualTo(trained.predict(probe));

            // the STATE checkpoint holds Adam slots of the first layer, which the frozen model has not
            assertThatThrownBy(() -> repository.restore(state, frozen))
                    .isInstanceOf(ModelMismatchException.class)
                    .hasMessageContaining("dense_1_kernel_m");
            repository.restoreWeights(state, frozen);
            assertThat(frozen.predict(probe)).isDeepEqualTo(trained.predict(probe));
        }
    }

    @Test
    void eachSaveReportsTheBytesItAddedToTheRepository()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.Outcome outcome = SeedTraining.train(store, SavePolicies.everySteps(40), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            List<Manifest> checkpoints = repository.checkpoints();
            assertThat(outcome.saves()).extracting(CommittedSave::step).containsExactly(40L, 80L, 120L, 160L);
            // the background work is measured: the wall time it took, and the CPU it used (hashing at the least)
            assertThat(outcome.saves()).allSatisfy(save -> {
                assertThat(save.backgroundTime()).isPositive();
                assertThat(save.backgroundCpuTime()).isPositive();
            });
            // what each save added: the chunks no earlier checkpoint references, and its manifest
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < checkpoints.size(); i++) {
                Manifest manifest = checkpoints.get(i);
                long added = store.readAllBytes(RepositoryLayout.manifestKey(manifest.run(), manifest.step())).length;
                for (Manifest.FileEntry file : manifest.files()) {
                    for (String chunk : file.chunks()) {
                        if (seen.add(chunk)) {
                            added += store.readAllBytes(RepositoryLayout.chunkKey(chunk)).length;
                        }
                    }
                }
                CommittedSave save = outcome.saves().get(i);
                assertThat(save.kind()).isEqualTo(SaveKind.FULL);
                assertThat(save.bytes()).isEqualTo(manifest.bytes());
                assertThat(save.bytesAdded()).as("bytes added by step " + manifest.step()).isEqualTo(added);
            }
            long graph = checkpoints.get(0).file(CheckpointFiles.SAVED_MODEL_PB).orElseThrow().size();
            // at most every variables file anew and the manifest (which lists a chunk per tensor since format 2): nothing of the graph
            long secondManifest = store.readAllBytes(RepositoryLayout.manifestKey(checkpoints.get(1).run(), checkpoints.get(1).step())).length;
            assertThat(outcome.saves().get(1).bytesAdded()).isLessThanOrEqualTo(outcome.saves().get(1).bytes() - graph + secondManifest);
        }
    }

    @Test
    void aRunStartedFromAnotherRunsCheckpointRecordsItsParentInEveryCheckpointAndKeepsItOnResume()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(80), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            Manifest parent = repository.checkpoints().get(1);
            String child;
            try (Model model = Sequential.mlp(100, 10, 5).freeze(1).seed(3).build()) {
                model.initialize();
                try (Checkpointer checkpointer = Checkpointer.startRunFrom(repository, model, CheckpointerOptions.defaults(), parent)) {
                    assertThat(checkpointer.initFrom()).contains(new Manifest.InitFrom(parent.run(), 160));
                    checkpointer.save(SaveKind.STATE, TrainerState.atStep(10), Map.of());
                    child = checkpointer.run();
                }
            }
            assertThat(repository.checkpoint(child, 10).initFrom()).isEqualTo(new Manifest.InitFrom(parent.run(), 160));
            assertThat(repository.checkpoint(parent.run(), 160).initFrom()).isNull();
            try (Model model = Sequential.mlp(100, 10, 5).freeze(1).seed(3).build()) {
                model.initialize();
                try (Checkpointer resumed = Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.of(child))) {
                    resumed.save(SaveKind.STATE, TrainerState.atStep(20), Map.of());
                }
            }
            assertThat(repository.checkpoint(child, 20).initFrom()).hasToString(parent.run() + "@160");
        }
    }

    @Test
    void servingVersionsAreNumberedDirectoriesThatAppearWhole(@TempDir Path base)
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(80), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            Manifest latest = repository.checkpoints().get(1);
            assertThat(repository.exportServingVersion(latest, base, OptionalLong.empty())).isEqualTo(1);
            assertThat(repository.exportServingVersion(latest, base, OptionalLong.empty())).isEqualTo(2);
            assertThat(repository.exportServingVersion(latest, base, OptionalLong.of(7))).isEqualTo(7);
            assertThatThrownBy(() -> repository.exportServingVersion(latest, base, OptionalLong.of(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Version 2 already exists")
                    .hasMessageContaining("(8)");
            try (Stream<Path> entries = Files.list(base)) {
                assertThat(entries.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("1", "2", "7");
            }
            try (SavedModelBundle bundle = SavedModelBundle.load(base.resolve("2").toString(), "serve")) {
                assertThat(bundle.function("serving_default").signature().outputNames()).containsExactly("y");
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalVariableFiles()
            throws IOException
    {
        String first = lastDataFileHash(new MemoryCheckpointStore(), false, Optional.empty());
        String second = lastDataFileHash(new MemoryCheckpointStore(), false, Optional.empty());
        assertThat(first).isEqualTo(second);
    }

    @Test
    void resumedRunEndsBitIdenticalToAnUninterruptedOne()
            throws IOException
    {
        String uninterrupted = lastDataFileHash(new MemoryCheckpointStore(), false, Optional.empty());

        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.Outcome interrupted = SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.STATE, CheckpointerOptions.defaults(), false, Optional.of(73L));
        assertThat(interrupted.fit().stoppedEarly()).isTrue();
        assertThat(interrupted.committed()).last().isEqualTo(70L);

        SeedTraining.Outcome resumed = SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.STATE, CheckpointerOptions.defaults(), true, Optional.empty());
        assertThat(resumed.run()).isEqualTo(interrupted.run());
        assertThat(resumed.resumedFrom()).map(Manifest::step).contains(70L);
        assertThat(resumed.committed()).first().isEqualTo(80L);
        assertThat(resumed.committed()).last().isEqualTo(160L);
        assertThat(lastDataFileHash(store)).isEqualTo(uninterrupted);
    }

    @Test
    void secondFullSaveStoresNoNewChunkForTheGraph()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(80), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            List<Manifest> checkpoints = repository.checkpoints();
            assertThat(checkpoints).extracting(Manifest::step).containsExactly(80L, 160L);
            Manifest.FileEntry first = checkpoints.get(0).file(CheckpointFiles.SAVED_MODEL_PB).orElseThrow();
            Manifest.FileEntry second = checkpoints.get(1).file(CheckpointFiles.SAVED_MODEL_PB).orElseThrow();
            assertThat(second.chunks()).isEqualTo(first.chunks());
            long graphChunks = store.keys().stream().filter(key -> first.chunks().stream().anyMatch(key::endsWith)).count();
            assertThat(graphChunks).isEqualTo(first.chunks().stream().distinct().count());
            // the variables changed, so their chunks differ
            assertThat(checkpoints.get(1).file(DATA_FILE).orElseThrow().sha256()).isNotEqualTo(checkpoints.get(0).file(DATA_FILE).orElseThrow().sha256());
        }
    }

    @Test
    void weightsCheckpointRestoresPredictionsIntoAFreshModel()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(160), SaveKind.WEIGHTS, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store);
                Model trained = SeedTraining.model();
                Model fresh = SeedTraining.model()) {
            Manifest manifest = repository.checkpoints().get(0);
            assertThat(manifest.kind()).isEqualTo(SaveKind.WEIGHTS);
            assertThat(manifest.variables()).allSatisfy(variable -> assertThat(variable.role()).isEqualTo("weight"));
            assertThat(manifest.trainerState()).isNull();
            float[][] probe = {new float[100]};
            probe[0][3] = 1;
            float[][] before = fresh.predict(probe);
            repository.restore(manifest, fresh);
            repository.restore(manifest, trained);
            assertThat(fresh.predict(probe)).isDeepEqualTo(trained.predict(probe));
            assertThat(fresh.predict(probe)[0]).isNotEqualTo(before[0]);
        }
    }

    @Test
    void restoresTheBestCheckpointByAMetric()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.Outcome outcome = SeedTraining.train(store, SavePolicies.everySteps(32), SaveKind.STATE, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store); Model model = SeedTraining.model()) {
            List<Manifest> all = repository.checkpoints(outcome.run());
            assertThat(all).hasSize(5);
            Manifest lowestLoss = all.stream().min(java.util.Comparator.comparingDouble(manifest -> manifest.metrics().get("loss"))).orElseThrow();
            Manifest highestLoss = all.stream().max(java.util.Comparator.comparingDouble(manifest -> manifest.metrics().get("loss"))).orElseThrow();
            assertThat(repository.best(outcome.run(), "loss", MetricMode.MIN)).contains(lowestLoss);
            assertThat(repository.best(outcome.run(), "loss", MetricMode.MAX)).contains(highestLoss);
            assertThat(repository.best(outcome.run(), "f1", MetricMode.MAX)).isEmpty();
            TrainerState state = repository.restore(lowestLoss, model).orElseThrow();
            assertThat(state.step()).isEqualTo(lowestLoss.step());
        }
    }

    @Test
    void corruptedChunkIsNamedOnRestore()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(160), SaveKind.STATE, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store); Model model = SeedTraining.model()) {
            Manifest manifest = repository.checkpoints().get(0);
            String chunk = manifest.file(DATA_FILE).orElseThrow().chunks().get(0);
            String key = RepositoryLayout.chunkKey(chunk);
            byte[] damaged = store.readAllBytes(key);
            damaged[damaged.length / 2] ^= 1;
            store.put(key, damaged);

            assertThatThrownBy(() -> repository.restore(manifest, model))
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining(chunk)
                    .hasMessageContaining(DATA_FILE);
            assertThat(repository.verify(manifest)).singleElement().asString().contains(chunk);
        }
    }

    @Test
    void shapeMismatchNamesTheVariableAndBothShapes()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.train(store, SavePolicies.everySteps(160), SaveKind.STATE, CheckpointerOptions.defaults(), false, Optional.empty());
        try (CheckpointRepository repository = CheckpointRepository.open(store);
                Model other = Sequential.mlp(100, 12, 5).seed(1).build()) {
            other.initialize();
            float[][] probe = {new float[100]};
            float[][] before = other.predict(probe);
            assertThatThrownBy(() -> repository.restore(repository.checkpoints().get(0), other))
                    .isInstanceOf(ModelMismatchException.class)
                    .hasMessageContaining("dense_1_kernel")
                    .hasMessageContaining("[100, 10]")
                    .hasMessageContaining("[100, 12]");
            // nothing was assigned
            assertThat(other.predict(probe)).isDeepEqualTo(before);
        }
    }

    @Test
    void failedBackgroundSaveReachesTheTrainingLoop()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        List<Throwable> heard = new CopyOnWriteArrayList<>();
        try (Model model = SeedTraining.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
            checkpointer.addListener(new CheckpointListener()
            {
                @Override
                public void onFailed(long step, Throwable failure)
                {
                    heard.add(failure);
                }
            });
            store.failWritesWith(new IOException("disk full (injected)"));
            checkpointer.save(SaveKind.STATE, TrainerState.atStep(1), Map.of());
            assertThatThrownBy(checkpointer::awaitPending)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("disk full (injected)");
            assertThatThrownBy(() -> checkpointer.save(SaveKind.STATE, TrainerState.atStep(2), Map.of()))
                    .isInstanceOf(CheckpointException.class);
            assertThatThrownBy(checkpointer::close).isInstanceOf(CheckpointException.class);
            assertThat(heard).hasSize(1);
            store.failWritesWith(null);
            assertThat(repository.checkpoints()).isEmpty();
        }
    }

    @Test
    void restoresLatestCommitAfterACrashMidSave()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        float[][] probe = {new float[100]};
        probe[0][7] = 1;
        float[][] atStepTen;
        String run;
        try (Model model = SeedTraining.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
            run = checkpointer.run();
            checkpointer.save(SaveKind.STATE, TrainerState.atStep(10), Map.of());
            checkpointer.awaitPending();
            atStepTen = model.predict(probe);
            model.trainStep(new float[][] {probe[0]}, new float[][] {{1, 0, 0, 0, 0}});
            // the store dies while step 20 is being written: some of its chunks may land, its manifest cannot
            store.failWritesWith(new IOException("connection reset (injected)"));
            checkpointer.save(SaveKind.STATE, TrainerState.atStep(20), Map.of());
            assertThatThrownBy(checkpointer::close).hasMessageContaining("connection reset (injected)");
            store.failWritesWith(null);
        }
        assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(10L);
        try (Model restarted = SeedTraining.model();
                Checkpointer resumed = Checkpointer.resumeRun(repository, restarted, CheckpointerOptions.defaults(), Optional.empty())) {
            assertThat(resumed.run()).isEqualTo(run);
            assertThat(resumed.resumedFrom()).map(Manifest::step).contains(10L);
            assertThat(restarted.predict(probe)).isDeepEqualTo(atStepTen);
        }
    }

    @Test
    void gcRefusesWhileARunIsBeingWritten()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        store.put(RepositoryLayout.chunkKey("0".repeat(64)), new byte[] {1});
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            assertThatThrownBy(() -> repository.gc(false, false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Run " + checkpointer.run() + " is being written")
                    .hasMessageContaining("force=true");
            assertThat(repository.gc(true, false).unreferenced()).hasSize(1);
            assertThat(store.keys()).contains(RepositoryLayout.chunkKey("0".repeat(64)));
        }
        // the run closed and released its lease
        assertThat(repository.gc(false, false).unreferenced()).hasSize(1);
        assertThat(store.keys()).doesNotContain(RepositoryLayout.chunkKey("0".repeat(64)));
    }

    @Test
    void syncSaveCommitsBeforeReturning()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults().withSync(true))) {
            checkpointer.save(SaveKind.WEIGHTS, TrainerState.atStep(5), Map.of("loss", 1.5));
            assertThat(repository.checkpoints(checkpointer.run())).singleElement().satisfies(manifest -> {
                assertThat(manifest.step()).isEqualTo(5);
                assertThat(manifest.metrics()).containsEntry("loss", 1.5);
            });
        }
    }

    @Test
    void secondWriterOfALiveRunFailsNamingTheHolder()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        try (Model model = SeedTraining.model();
                Checkpointer first = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            first.save(SaveKind.STATE, TrainerState.atStep(1), Map.of());
            first.awaitPending();
            // the holder is this very process: alive, so no takeover
            assertThatThrownBy(() -> Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.of(first.run())))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("is being written by")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
    }

    private static String lastDataFileHash(MemoryCheckpointStore store, boolean resume, Optional<Long> maxSteps)
            throws IOException
    {
        SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.STATE, CheckpointerOptions.defaults(), resume, maxSteps);
        return lastDataFileHash(store);
    }

    private static String lastDataFileHash(MemoryCheckpointStore store)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            List<Manifest> checkpoints = new ArrayList<>(repository.checkpoints());
            Manifest last = checkpoints.get(checkpoints.size() - 1);
            assertThat(last.step()).isEqualTo(160);
            return last.file(DATA_FILE).orElseThrow().sha256();
        }
    }
}
