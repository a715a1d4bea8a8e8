package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestPreemption
{
    private static final float[][] PROBE = probe();

    // 32 batches an epoch: 37 is mid-epoch, 32 an epoch's last batch, 1 the first step, 159 the one before the end
    @ParameterizedTest
    @ValueSource(longs = {1, 32, 37, 159})
    void preemptedRunSavesStateAtTheCurrentStepAndResumesBitIdentically(long signalledAt)
            throws IOException
    {
        float[][] uninterrupted;
        try (Model model = SeedTraining.model()) {
            new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED), List.of());
            uninterrupted = model.predict(PROBE);
        }

        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        Preemption preemption = Preemption.manual();
        String run;
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            run = checkpointer.run();
            TrainingCallback signal = requestAt(preemption, signalledAt);
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(signal, new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, false, Optional.of(preemption))));
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.finalState().step()).isEqualTo(signalledAt);
            assertThat(preemption.savedStep()).isEqualTo(OptionalLong.of(signalledAt));
            assertThat(preemption.exitCode()).isEqualTo(143);
        }
        Manifest last = repository.checkpoints(run).get(repository.checkpoints(run).size() - 1);
        assertThat(last.step()).isEqualTo(signalledAt);
        assertThat(last.kind()).isEqualTo(SaveKind.STATE);

        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.empty())) {
            assertThat(checkpointer.run()).isEqualTo(run);
            assertThat(checkpointer.resumedFrom()).map(Manifest::step).contains(signalledAt);
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).resumingFrom(checkpointer.resumeState().get()),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, false)));
            checkpointer.awaitPending();
            assertThat(result.finalState().step()).isEqualTo(160);
            // the policy's bookkeeping went into the STATE save: the resumed run saves where the uninterrupted one would
            assertThat(checkpointer.committedSteps()).containsExactlyElementsOf(List.of(50L, 100L, 150L).stream().filter(step -> step > signalledAt).toList());
            assertThat(model.predict(PROBE)).isDeepEqualTo(uninterrupted);
        }
    }

    // save-on-finish keeps a resumable kind; a WEIGHTS finishing save gives way to the STATE one
    @ParameterizedTest
    @CsvSource({"FULL, FULL", "STATE, STATE", "WEIGHTS, STATE"})
    void aPreemptedRunWithSaveOnFinishEndsWithAResumableCheckpoint(SaveKind mode, SaveKind last)
            throws IOException
    {
        CheckpointRepository repository = CheckpointRepository.create(new MemoryCheckpointStore(), 4096, 2);
        Preemption preemption = Preemption.manual();
        String run;
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            run = checkpointer.run();
            TrainingCallback signal = requestAt(preemption, 37);
            new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(signal, new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), mode, true, Optional.of(preemption))));
        }
        assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(37L);
        assertThat(repository.checkpoints(run)).extracting(Manifest::kind).containsExactly(last);
    }

    // a stop at a step the policy saves WEIGHTS at: the step's save is the resumable one; a request that
    // arrives after the step's saves stops training after the next batch, with its STATE save there
    @ParameterizedTest
    @CsvSource({"true, 40", "false, 41"})
    void aStopAtAStepThePolicySavesWeightsAtStillEndsWithAStateCheckpoint(boolean beforeTheSaves, long stoppedAt)
            throws IOException
    {
        CheckpointRepository repository = CheckpointRepository.create(new MemoryCheckpointStore(), 4096, 2);
        Preemption preemption = Preemption.manual();
        String run;
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            run = checkpointer.run();
            TrainingCallback signal = requestAt(preemption, 40);
            CheckpointCallback saves = new CheckpointCallback(checkpointer, SavePolicies.everySteps(10), SaveKind.WEIGHTS, false, Optional.of(preemption));
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    beforeTheSaves ? List.of(signal, saves) : List.of(saves, signal));
            assertThat(result.finalState().step()).isEqualTo(stoppedAt);
        }
        List<Manifest> checkpoints = repository.checkpoints(run);
        assertThat(checkpoints).last().satisfies(last -> {
            assertThat(last.step()).isEqualTo(stoppedAt);
            assertThat(last.kind()).isEqualTo(SaveKind.STATE);
        });
        assertThat(checkpoints).extracting(Manifest::step).startsWith(10L, 20L, 30L, 40L);
        assertThat(preemption.savedStep()).hasValue(stoppedAt);
    }

    // a signal during start-up: the last save holds the initial state, and a resume from it trains as a fresh run would
    @Test
    void aRequestBeforeTrainingBeginsStopsBeforeTheFirstBatchAndSavesTheInitialState()
            throws IOException
    {
        float[][] uninterrupted;
        try (Model model = SeedTraining.model()) {
            new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED), List.of());
            uninterrupted = model.predict(PROBE);
        }
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        Preemption preemption = Preemption.manual();
        preemption.request("INT");
        String run;
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            run = checkpointer.run();
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, true, Optional.of(preemption))));
            assertThat(result.stepsRun()).isZero();
            assertThat(result.stoppedEarly()).isTrue();
        }
        assertThat(preemption.exitCode()).isEqualTo(130);
        assertThat(preemption.signal()).contains("INT");
        assertThat(preemption.savedStep()).isEqualTo(OptionalLong.of(0));
        assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(0L);
        assertThat(repository.checkpoints(run)).extracting(Manifest::kind).containsExactly(SaveKind.STATE);

        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.empty())) {
            assertThat(checkpointer.resumedFrom()).map(Manifest::step).contains(0L);
            new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).resumingFrom(checkpointer.resumeState().get()),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, false)));
            checkpointer.awaitPending();
            assertThat(checkpointer.committedSteps()).containsExactly(50L, 100L, 150L);
            assertThat(model.predict(PROBE)).isDeepEqualTo(uninterrupted);
        }
    }

    // the step a resume starts at is committed already: not saved twice, no failure, and the preemption names it
    @Test
    void aRequestBeforeAResumedRunTrainsKeepsTheCheckpointItResumedFrom()
            throws IOException
    {
        CheckpointRepository repository = CheckpointRepository.create(new MemoryCheckpointStore(), 4096, 2);
        String run;
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            run = checkpointer.run();
            new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).withMaxSteps(100),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, false)));
        }
        Preemption preemption = Preemption.manual();
        preemption.request("TERM");
        try (Model model = SeedTraining.model();
                Checkpointer checkpointer = Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.empty())) {
            FitResult result = new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).resumingFrom(checkpointer.resumeState().get()),
                    List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, true, Optional.of(preemption))));
            checkpointer.awaitPending();
            assertThat(result.stepsRun()).isZero();
            assertThat(result.finalState().step()).isEqualTo(100);
            assertThat(checkpointer.committedSteps()).isEmpty();
            assertThat(checkpointer.failedSaves()).isZero();
        }
        assertThat(preemption.savedStep()).isEqualTo(OptionalLong.of(100));
        assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(50L, 100L);
        assertThat(repository.checkpoints(run)).extracting(Manifest::kind).containsOnly(SaveKind.FULL);
    }

    @Test
    void aNegativeGraceIsRejected()
    {
        Preemption preemption = Preemption.manual();
        assertThatThrownBy(() -> preemption.grace(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be negative");
        preemption.grace(Duration.ofSeconds(1));
        preemption.close();
    }

    @Test
    void theFirstSignalNamesTheExitCodeAndUnknownSignalsAreRejected()
    {
        Preemption preemption = Preemption.manual();
        assertThat(preemption.requested()).isFalse();
        assertThatThrownBy(preemption::exitCode).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> preemption.request("HUP")).hasMessageContaining("Unknown signal HUP");
        preemption.request("TERM");
        preemption.request("INT");
        assertThat(preemption.signal()).contains("TERM");
        assertThat(preemption.exitCode()).isEqualTo(143);
        preemption.close();
    }

    private static float[][] probe()
    {
        float[][] probe = new float[4][100];
        for (int i = 0; i < 100; i++) {
            probe[0][i] = i / 100f;
            probe[1][i] = -i / 50f;
            probe[2][i] = (i % 7) - 3;
            probe[3][i] = (float) Math.sin(i);
        }
        return probe;
    }

    // a scheduler's SIGTERM, as it reaches the loop: a request after the batch that ends at the step
    private static TrainingCallback requestAt(Preemption preemption, long step)
    {
        return new TrainingCallback()
        {
            @Override
            public void onBatchEnd(TrainingLogs logs)
            {
                if (logs.step() == step) {
                    preemption.request("TERM");
                }
            }
        };
    }
}
