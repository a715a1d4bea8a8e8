package io.cairn.core.train;

import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestTrainer
{
    // 50 samples in batches of 8: 7 batches an epoch, the last of 2 samples
    private static final int SAMPLES = 50;
    private static final int BATCH = 8;
    private static final int BATCHES = 7;
    private static final int EPOCHS = 3;
    private static final long SEED = 42;
    private static final Dataset DATA = Datasets.random(SAMPLES, 4, 2, 7);
    private static final float[][] PROBE = {{0.1f, -0.2f, 0.3f, 1.5f}, {-1, 2, 0.5f, 0}, {0, 0, 0, 0}};

    @Test
    void sameSeedGivesBitIdenticalModelsInSeparateModels()
    {
        float[][] first;
        float[][] second;
        float[][] untrained;
        float[][] otherShuffle;
        try (Model model = newModel()) {
            untrained = model.predict(PROBE);
            new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of());
            first = model.predict(PROBE);
        }
        try (Model model = newModel()) {
            new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of());
            second = model.predict(PROBE);
        }
        try (Model model = newModel()) {
            new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED + 1), List.of());
            otherShuffle = model.predict(PROBE);
        }

        assertThat(second).isDeepEqualTo(first);
        assertThat(Arrays.deepEquals(first, untrained)).as("training changed the model").isFalse();
        assertThat(Arrays.deepEquals(first, otherShuffle)).as("the shuffle seed changes the outcome").isFalse();
    }

    @Test
    void fullRunTrainsEveryBatchOfEveryEpoch()
    {
        try (Model model = newModel()) {
            FitResult result = new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of());

            assertThat(result.stepsRun()).isEqualTo(EPOCHS * BATCHES);
            assertThat(result.stoppedEarly()).isFalse();
            assertThat(result.finalState().step()).isEqualTo(EPOCHS * BATCHES);
            assertThat(result.finalState().epoch()).isEqualTo(EPOCHS);
            assertThat(result.finalState().batchInEpoch()).isZero();
            assertThat(result.metrics()).containsOnlyKeys("loss", "accuracy");
            assertThat(result.trainSeconds()).isPositive();
        }
    }

    @Test
    void maxStepsStopsAtThatStep()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            FitResult result = new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED).withMaxSteps(10), List.of(recorder));

            assertThat(result.stepsRun()).isEqualTo(10);
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.finalState().step()).isEqualTo(10);
            assertThat(result.finalState().epoch()).isEqualTo(1);
            assertThat(result.finalState().batchInEpoch()).isEqualTo(3);
            assertThat(recorder.stepsEnded).containsExactlyElementsOf(steps(1, 10));
            assertThat(recorder.stoppedEarly).containsExactly(true);
        }
    }

    @Test
    void maxStepsAtTheLastStepOrBeyondIsNotAnEarlyStop()
    {
        try (Model model = newModel()) {
            FitResult exact = new Trainer(model).fit(DATA, FitOptions.of(1, BATCH, SEED).withMaxSteps(BATCHES), List.of());
            FitResult beyond = new Trainer(model).fit(DATA, FitOptions.of(1, BATCH, SEED).withMaxSteps(1000), List.of());

            assertThat(exact.stoppedEarly()).isFalse();
            assertThat(exact.stepsRun()).isEqualTo(BATCHES);
            assertThat(beyond.stoppedEarly()).isFalse();
            assertThat(beyond.stepsRun()).isEqualTo(BATCHES);
        }
    }

    @Test
    void callbacksSeeEveryStepInOrderAndEachEpochOnce()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of(recorder));

            assertThat(recorder.stepsBegun).containsExactlyElementsOf(steps(0, EPOCHS * BATCHES - 1));
            assertThat(recorder.stepsEnded).containsExactlyElementsOf(steps(1, EPOCHS * BATCHES));
            assertThat(recorder.epochsBegun).containsExactly(0, 1, 2);
            assertThat(recorder.epochsEnded).containsExactly(0, 1, 2);
            assertThat(recorder.trainBegins).isEqualTo(1);
            assertThat(recorder.stoppedEarly).containsExactly(false);
            assertThat(recorder.events).startsWith("trainBegin", "epochBegin 0", "batchBegin 0", "batchEnd 1")
                    .endsWith("batchEnd 21", "epochEnd 2", "trainEnd");
        }
    }

    @Test
    void logsAfterTheLastBatchOfAnEpochCountEveryBatchAndEpochEndResumesAtTheNextEpoch()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            new Trainer(model).fit(DATA, FitOptions.of(2, BATCH, SEED), List.of(recorder));

            TrainingLogs lastBatch = recorder.batchEnds.get(BATCHES - 1);
            assertThat(lastBatch.step()).isEqualTo(BATCHES);
            assertThat(lastBatch.epoch()).isZero();
            assertThat(lastBatch.batch()).isEqualTo(BATCHES);
            assertThat(lastBatch.batchesPerEpoch()).isEqualTo(BATCHES);
            assertThat(lastBatch.state().epoch()).isZero();
            assertThat(lastBatch.state().batchInEpoch()).isEqualTo(BATCHES);
            assertThat(lastBatch.state().epochSamples()).isEqualTo(SAMPLES);

            TrainingLogs epochEnd = recorder.epochEnds.get(0);
            assertThat(epochEnd.step()).isEqualTo(BATCHES);
            assertThat(epochEnd.epoch()).isZero();
            assertThat(epochEnd.batch()).isEqualTo(BATCHES);
            assertThat(epochEnd.state().epoch()).isEqualTo(1);
            assertThat(epochEnd.state().batchInEpoch()).isZero();
            assertThat(epochEnd.state().epochSamples()).isZero();
            assertThat(epochEnd.metrics()).isEqualTo(lastBatch.metrics()).containsOnlyKeys("loss", "accuracy");

            TrainingLogs firstBatchOfSecondEpoch = recorder.batchEnds.get(BATCHES);
            assertThat(firstBatchOfSecondEpoch.epoch()).isEqualTo(1);
            assertThat(firstBatchOfSecondEpoch.batch()).isEqualTo(1);
            assertThat(firstBatchOfSecondEpoch.state().epochSamples()).isEqualTo(BATCH);
        }
    }

    @Test
    void epochMetricsAreSampleWeightedRunningAverages()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            new Trainer(model).fit(DATA, FitOptions.of(1, BATCH, SEED), List.of(recorder));

            TrainerState last = recorder.batchEnds.get(BATCHES - 1).state();
            assertThat(recorder.epochEnds.get(0).metrics().get("loss")).isEqualTo(last.epochLossSum() / SAMPLES);
            assertThat(recorder.epochEnds.get(0).metrics().get("accuracy")).isBetween(0.0, 1.0);
        }
    }

    @Test
    void resumingInTheSameModelContinuesExactlyWhereMaxStepsStopped()
    {
        float[][] uninterrupted;
        FitResult full;
        try (Model model = newModel()) {
            full = new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of());
            uninterrupted = model.predict(PROBE);
        }
        try (Model model = newModel()) {
            Trainer trainer = new Trainer(model);
            FitResult stopped = trainer.fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED).withMaxSteps(10), List.of());
            Recorder recorder = new Recorder();

            FitResult resumed = trainer.fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED).resumingFrom(stopped.finalState()), List.of(recorder));

            assertThat(resumed.stepsRun()).isEqualTo(EPOCHS * BATCHES - 10);
            assertThat(recorder.stepsEnded).containsExactlyElementsOf(steps(11, EPOCHS * BATCHES));
            assertThat(recorder.epochsBegun).as("epoch 1 began before the stop").containsExactly(2);
            assertThat(recorder.epochsEnded).containsExactly(1, 2);
            assertThat(resumed.metrics()).isEqualTo(full.metrics());
            assertThat(resumed.finalState()).isEqualTo(full.finalState());
            assertThat(model.predict(PROBE)).isDeepEqualTo(uninterrupted);
        }
    }

    @Test
    void resumingAfterTheLastBatchOfAnEpochOnlyEndsThatEpoch()
    {
        try (Model model = newModel()) {
            Recorder first = new Recorder();
            new Trainer(model).fit(DATA, FitOptions.of(1, BATCH, SEED), List.of(first));
            TrainerState afterLastBatch = first.batchEnds.get(BATCHES - 1).state();
            Recorder recorder = new Recorder();

            FitResult result = new Trainer(model).fit(DATA, FitOptions.of(2, BATCH, SEED).resumingFrom(afterLastBatch), List.of(recorder));

            assertThat(result.stepsRun()).isEqualTo(BATCHES);
            assertThat(recorder.events).startsWith("trainBegin", "epochEnd 0", "epochBegin 1", "batchBegin 7");
            assertThat(recorder.epochEnds.get(0).metrics()).isEqualTo(first.epochEnds.get(0).metrics());
        }
    }

    @Test
    void resumingWithAnotherBatchSizeNamesTheSetting()
    {
        TrainerState state = TrainerState.start(SEED, BATCH, SAMPLES, true);

        assertResumeRejected(FitOptions.of(EPOCHS, 16, SEED).resumingFrom(state), "batchSize=" + BATCH);
    }

    @Test
    void resumingWithAnotherSeedNamesTheSetting()
    {
        TrainerState state = TrainerState.start(SEED, BATCH, SAMPLES, true);

        assertResumeRejected(FitOptions.of(EPOCHS, BATCH, 7).resumingFrom(state), "seed=" + SEED);
    }

    @Test
    void resumingWithDataOfAnotherSizeNamesBothSizes()
    {
        TrainerState state = TrainerState.start(SEED, BATCH, 60, true);

        assertResumeRejected(FitOptions.of(EPOCHS, BATCH, SEED).resumingFrom(state), "trained on 60 samples, this data has " + SAMPLES);
    }

    @Test
    void resumingWithAnotherShuffleSettingIsRejected()
    {
        TrainerState state = TrainerState.start(SEED, BATCH, SAMPLES, true);

        assertResumeRejected(FitOptions.of(EPOCHS, BATCH, SEED).withShuffle(false).resumingFrom(state), "shuffled its data");
    }

    @Test
    void resumingFromAPositionPastTheEpochIsRejected()
    {
        TrainerState state = new TrainerState(8, 0, BATCHES + 1, SEED, BATCH, SAMPLES, true, 0, 0, 0, Map.of());

        assertResumeRejected(FitOptions.of(EPOCHS, BATCH, SEED).resumingFrom(state), "batch 8");
    }

    @Test
    void dataWithTheWrongFeatureCountIsRejected()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            assertThatThrownBy(() -> new Trainer(model).fit(Datasets.random(10, 5, 2, 1), FitOptions.of(1, BATCH, SEED), List.of(recorder)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5 features but the model takes 4 inputs");
            assertThat(recorder.events).isEmpty();
        }
    }

    @Test
    void dataWithTheWrongLabelCountIsRejected()
    {
        try (Model model = newModel()) {
            assertThatThrownBy(() -> new Trainer(model).fit(Datasets.random(10, 4, 3, 1), FitOptions.of(1, BATCH, SEED), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3 label columns but the model has 2 outputs");
        }
    }

    @Test
    void callbackFailureStopsTrainingAndPropagates()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();
            TrainingCallback failing = new TrainingCallback()
            {
                @Override
                public void onBatchEnd(TrainingLogs logs)
                {
                    if (logs.step() == 3) {
                        throw new IllegalStateException("disk full at step 3");
                    }
                }
            };

            assertThatThrownBy(() -> new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED), List.of(recorder, failing)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("disk full at step 3");
            assertThat(recorder.stepsEnded).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void invalidFitOptionsAreRejected()
    {
        assertThatThrownBy(() -> FitOptions.of(0, BATCH, SEED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Epochs must be at least 1, got 0");
        assertThatThrownBy(() -> FitOptions.of(1, 0, SEED))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch size must be at least 1, got 0");
        assertThatThrownBy(() -> FitOptions.of(1, BATCH, SEED).withMaxSteps(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Max steps must be at least 1, got 0");
    }

    @Test
    void maxStepsAtAnEpochBoundaryDoesNotBeginTheNextEpoch()
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            FitResult result = new Trainer(model).fit(DATA, FitOptions.of(EPOCHS, BATCH, SEED).withMaxSteps(BATCHES), List.of(recorder));

            assertThat(result.stoppedEarly()).isTrue();
            assertThat(recorder.epochsEnded).containsExactly(0);
            assertThat(recorder.epochsBegun).containsExactly(0);
        }
    }

    private static void assertResumeRejected(FitOptions options, String expected)
    {
        try (Model model = newModel()) {
            Recorder recorder = new Recorder();

            assertThatThrownBy(() -> new Trainer(model).fit(DATA, options, List.of(recorder)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(expected);
            assertThat(recorder.events).as("nothing ran").isEmpty();
        }
    }

    private static Model newModel()
    {
        Model model = Sequential.mlp(4, 3, 2).seed(1).build();
        model.initialize();
        return model;
    }

    private static List<Long> steps(long first, long last)
    {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private static final class Recorder
            implements TrainingCallback
    {
        final List<String> events = new ArrayList<>();
        final List<Long> stepsBegun = new ArrayList<>();
        final List<Long> stepsEnded = new ArrayList<>();
        final List<Integer> epochsBegun = new ArrayList<>();
        final List<Integer> epochsEnded = new ArrayList<>();
        final List<TrainingLogs> batchEnds = new ArrayList<>();
        final List<TrainingLogs> epochEnds = new ArrayList<>();
        final List<Boolean> stoppedEarly = new ArrayList<>();
        int trainBegins;

        @Override
        public void onTrainBegin(TrainingLogs logs)
        {
            trainBegins++;
            events.add("trainBegin");
        }

        @Override
        public void onEpochBegin(TrainingLogs logs)
        {
            epochsBegun.add(logs.epoch());
            events.add("epochBegin " + logs.epoch());
        }

        @Override
        public void onBatchBegin(TrainingLogs logs)
        {
            stepsBegun.add(logs.step());
            events.add("batchBegin " + logs.step());
        }

        @Override
        public void onBatchEnd(TrainingLogs logs)
        {
            stepsEnded.add(logs.step());
            batchEnds.add(logs);
            events.add("batchEnd " + logs.step());
        }

        @Override
        public void onEpochEnd(TrainingLogs logs)
        {
            epochsEnded.add(logs.epoch());
            epochEnds.add(logs);
            events.add("epochEnd " + logs.epoch());
        }

        @Override
        public void onTrainEnd(TrainingLogs logs, boolean stoppedEarly)
        {
            this.stoppedEarly.add(stoppedEarly);
            events.add("trainEnd");
        }
    }
}
