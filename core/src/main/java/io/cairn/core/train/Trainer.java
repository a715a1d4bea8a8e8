package io.cairn.core.train;

import io.cairn.core.data.Dataset;
import io.cairn.core.model.Model;
import io.cairn.core.model.StepMetrics;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The training loop: Keras' {@code fit} for a {@link Model}. For a custom loop, call
 * {@link Model#trainStep} yourself.
 */
public final class Trainer
{
    private final Model model;

    public Trainer(Model model)
    {
        this.model = requireNonNull(model, "model is null");
    }

    public FitResult fit(Dataset data, FitOptions options, List<? extends TrainingCallback> callbacks)
    {
        requireNonNull(data, "data is null");
        requireNonNull(options, "options is null");
        List<TrainingCallback> hooks = List.copyOf(requireNonNull(callbacks, "callbacks is null"));
        checkShapes(data);

        int batches = data.batchesPerEpoch(options.batchSize());
        TrainerState state = options.resumeFrom()
                .map(resumed -> checkResumable(resumed, data, options, batches))
                .orElseGet(() -> TrainerState.start(options.seed(), options.batchSize(), data.size(), options.shuffle()));
        long firstStep = state.step();
        long maxSteps = options.maxSteps().orElse(Long.MAX_VALUE);

        hooks.forEach(hook -> hook.onTrainBegin(logs(state, state.epoch(), batches, options, state.epochMetrics())));
        // the loop alone: one-time setup in onTrainBegin (e.g. exporting a SavedModel template) is not training time
        long started = System.nanoTime();
        Map<String, Double> lastMetrics = state.epochMetrics();
        boolean stoppedEarly = false;
        TrainerState current = state;
        training:
        while (current.epoch() < options.epochs()) {
            int epoch = current.epoch();
            if (current.batchInEpoch() == 0 && (current.step() >= maxSteps || stopRequested(hooks))) {
                // stopped on an epoch boundary: the next epoch does not begin
                stoppedEarly = true;
                break;
            }
            int[] order = data.order(current.seed(), epoch, current.shuffle());
            if (current.batchInEpoch() == 0) {
                TrainerState begin = current;
                hooks.forEach(hook -> hook.onEpochBegin(logs(begin, epoch, batches, options, Map.of())));
            }
            for (int batch = current.batchInEpoch(); batch < batches; batch++) {
                if (current.step() >= maxSteps || stopRequested(hooks)) {
                    stoppedEarly = true;
                    break training;
                }
                TrainerState before = current;
                hooks.forEach(hook -> hook.onBatchBegin(logs(before, epoch, batches, options, before.epochMetrics())));
                StepMetrics step;
                int samples;
                try (Dataset.Batch tensors = data.batch(order, batch, options.batchSize())) {
                    step = model.trainStep(tensors.features(), tensors.labels());
                    samples = tensors.size();
                }
                current = new TrainerState(
                        current.step() + 1,
                        epoch,
                        batch + 1,
                        current.seed(),
                        current.batchSize(),
                        current.datasetSize(),
                        current.shuffle(),
                        current.epochLossSum() + step.loss() * samples,
                        current.epochAccuracySum() + step.accuracy() * samples,
                        current.epochSamples() + samples,
                        current.policyState());
                TrainerState after = current;
                lastMetrics = after.epochMetrics();
                hooks.forEach(hook -> hook.onBatchEnd(logs(after, epoch, batches, options, after.epochMetrics())));
            }
            Map<String, Double> epochMetrics = current.epochMetrics();
            lastMetrics = epochMetrics;
            current = new TrainerState(current.step(), epoch + 1, 0, current.seed(), current.batchSize(), current.datasetSize(), current.shuffle(), 0, 0, 0, current.policyState());
            TrainerState ended = current;
            hooks.forEach(hook -> hook.onEpochEnd(logs(ended, epoch, batches, options, epochMetrics)));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        TrainerState last = current;
        Map<String, Double> finalMetrics = lastMetrics;
        boolean early = stoppedEarly;
        hooks.forEach(hook -> hook.onTrainEnd(logs(last, Math.min(last.epoch(), options.epochs() - 1), batches, options, finalMetrics), early));
        return new FitResult(last.step() - firstStep, seconds, finalMetrics, last, stoppedEarly);
    }

    private static boolean stopRequested(List<TrainingCallback> hooks)
    {
        for (TrainingCallback hook : hooks) {
            if (hook.stopTraining()) {
                return true;
            }
        }
        return false;
    }

    private void checkShapes(Dataset data)
    {
        if (data.featureCount() != model.inputSize()) {
            throw new IllegalArgumentException("The data has " + data.featureCount() + " features but the model takes " + model.inputSize() + " inputs");
        }
        if (data.labelCount() != model.outputSize()) {
            throw new IllegalArgumentException("The data has " + data.labelCount() + " label columns but the model has " + model.outputSize() + " outputs");
        }
    }

    private static TrainerState checkResumable(TrainerState state, Dataset data, FitOptions options, int batches)
    {
        if (state.batchSize() != options.batchSize()) {
            throw new IllegalArgumentException("The run being resumed used batch size " + state.batchSize() + ", not " + options.batchSize() + "; resume with batchSize=" + state.batchSize());
        }
        if (state.seed() != options.seed()) {
            throw new IllegalArgumentException("The run being resumed used seed " + state.seed() + ", not " + options.seed() + "; resume with seed=" + state.seed());
        }
        if (state.datasetSize() != data.size()) {
            throw new IllegalArgumentException("The run being resumed trained on " + state.datasetSize() + " samples, this data has " + data.size() + "; resume with the same data");
        }
        if (state.shuffle() != options.shuffle()) {
            throw new IllegalArgumentException("The run being resumed " + (state.shuffle() ? "shuffled" : "did not shuffle") + " its data; resume with the same setting");
        }
        if (state.batchInEpoch() > batches) {
            throw new IllegalArgumentException("The resumed position (batch " + state.batchInEpoch() + ") is past the epoch's " + batches + " batches");
        }
        return state;
    }

    private static TrainingLogs logs(TrainerState state, int epoch, int batches, FitOptions options, Map<String, Double> metrics)
    {
        return new TrainingLogs(state.step(), epoch, state.epoch() > epoch ? batches : state.batchInEpoch(), batches, options.epochs(), metrics, state);
    }
}
