package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestOnSaveFailure
{
    private static final float[][] PROBE = {new float[100]};

    @Test
    void continueTrainsOnPastFailedSavesAndTheNextSaveStoresWhatTheyDidNot()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        List<Long> failedSteps = new CopyOnWriteArrayList<>();
        float[][] trained;
        String run;
        // sync saves: the store is down for exactly the saves at 40 and 60
        CheckpointerOptions options = CheckpointerOptions.defaults().withSync(true).withOnSaveFailure(OnSaveFailure.CONTINUE);
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, options)) {
            run = checkpointer.run();
            checkpointer.addListener(failures(failedSteps));
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(storeDown(store, 30, 70, "disk full (injected)"), new CheckpointCallback(checkpointer, SavePolicies.everySteps(20), SaveKind.FULL, false)));
            checkpointer.awaitPending();
            assertThat(result.finalState().step()).isEqualTo(160);
            assertThat(checkpointer.failedSaves()).isEqualTo(2);
            assertThat(failedSteps).containsExactly(40L, 60L);
            assertThat(checkpointer.committedSteps()).containsExactly(20L, 80L, 100L, 120L, 140L, 160L);
            trained = model.predict(PROBE);
        }
        assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(20L, 80L, 100L, 120L, 140L, 160L);
        try (Model restored = SeedTraining.model();
                Checkpointer resumed = Checkpointer.resumeRun(repository, restored, CheckpointerOptions.defaults(), Optional.empty())) {
            assertThat(resumed.resumedFrom()).map(Manifest::step).contains(160L);
            assertThat(restored.predict(PROBE)).isDeepEqualTo(trained);
        }
    }

    @Test
    void continueStillFailsTheRunWhenItsNewestSaveFailed()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        // sync saves: the store goes down after the save at 150 committed, for the one at the end
        CheckpointerOptions options = CheckpointerOptions.defaults().withSync(true).withOnSaveFailure(OnSaveFailure.CONTINUE);
        try (Model model = SeedTraining.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, options);
            Trainer trainer = new Trainer(model);
            FitResult result = trainer.fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(storeDown(store, 155, 1000, "connection reset (injected)"), new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.STATE, true)));
            assertThat(result.finalState().step()).isEqualTo(160);
            assertThatThrownBy(checkpointer::awaitPending)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("newest save")
                    .hasMessageContaining("at step 160")
                    .hasMessageContaining("connection reset (injected)");
            assertThatThrownBy(checkpointer::close).isInstanceOf(CheckpointException.class);
            assertThat(checkpointer.failedSaves()).isEqualTo(1);
            store.failWritesWith(null);
            assertThat(repository.checkpoints(checkpointer.run())).extracting(Manifest::step).containsExactly(50L, 100L, 150L);
        }
    }

    @Test
    void stopEndsTrainingAtTheStepAfterAFailedBackgroundSave()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        List<Long> failedSteps = new CopyOnWriteArrayList<>();
        List<Long> stepsAfterTheFailure = new ArrayList<>();
        try (Model model = SeedTraining.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults().withOnSaveFailure(OnSaveFailure.STOP));
            checkpointer.addListener(failures(failedSteps));
            TrainingCallback afterFailure = new TrainingCallback()
            {
                @Override
                public void onBatchEnd(TrainingLogs logs)
                {
                    if (!failedSteps.isEmpty()) {
                        stepsAfterTheFailure.add(logs.step());
                    }
                }
            };
            // the checkpoint callback first: it checks the saves before this step's own work
            assertThatThrownBy(() -> new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(20), SaveKind.STATE, false), storeDownAfterSaves(checkpointer, store, 30), afterFailure)))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("disk full (injected)");
            assertThatThrownBy(checkpointer::close).hasMessageContaining("disk full (injected)");
            assertThat(failedSteps).startsWith(40L);
            // the failure reached the loop at the first step that ended after it: training did not go on
            assertThat(stepsAfterTheFailure).hasSizeLessThanOrEqualTo(1);
            store.failWritesWith(null);
            assertThat(repository.checkpoints(checkpointer.run())).extracting(Manifest::step).containsExactly(20L);
        }
    }

    // the saves so far land, then the store refuses writes for good
    private static TrainingCallback storeDownAfterSaves(Checkpointer checkpointer, MemoryCheckpointStore store, long from)
    {
        return new TrainingCallback()
        {
            @Override
            public void onBatchEnd(TrainingLogs logs)
            {
                if (logs.step() == from) {
                    checkpointer.awaitPending();
                    store.failWritesWith(new IOException("disk full (injected)"));
                }
            }
        };
    }

    private static CheckpointListener failures(List<Long> steps)
    {
        return new CheckpointListener()
        {
            @Override
            public void onFailed(long step, Throwable failure)
            {
                steps.add(step);
            }
        };
    }

    // the store refuses writes after step `from` and takes them again after step `to`
    private static TrainingCallback storeDown(MemoryCheckpointStore store, long from, long to, String cause)
    {
        return new TrainingCallback()
        {
            @Override
            public void onBatchEnd(TrainingLogs logs)
            {
                if (logs.step() == from) {
                    store.failWritesWith(new IOException(cause));
                }
                if (logs.step() == to) {
                    store.failWritesWith(null);
                }
            }
        };
    }
}
