package io.cairn.core.train;

import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Everything a resumed run needs to continue exactly as the uninterrupted one would have, besides the
 * variables: the position in the data, the epoch's running metric sums, and the save policies'
 * bookkeeping.
 *
 * <p>The position is where the next batch comes from: {@code epoch} epochs are complete and
 * {@code batchInEpoch} batches of the next one are done. {@code batchInEpoch} may equal the number of
 * batches per epoch: every batch of that epoch ran, its end-of-epoch processing has not.
 *
 * @param step global steps done (steps count from 1 across epochs)
 * @param seed the data shuffle seed
 * @param batchSize the batch size the position counts in
 * @param datasetSize samples per epoch
 * @param shuffle whether epochs are shuffled
 * @param epochLossSum sum of batch loss times batch size in the current epoch
 * @param epochAccuracySum sum of batch accuracy times batch size in the current epoch
 * @param epochSamples samples seen in the current epoch
 * @param policyState save policy bookkeeping, e.g. {@code best.loss}
 */
public record TrainerState(
        long step,
        int epoch,
        int batchInEpoch,
        long seed,
        int batchSize,
        int datasetSize,
        boolean shuffle,
        double epochLossSum,
        double epochAccuracySum,
        long epochSamples,
        Map<String, Double> policyState)
{
    public TrainerState
    {
        if (step < 0 || epoch < 0 || batchInEpoch < 0 || epochSamples < 0) {
            throw new IllegalArgumentException("Trainer state has a negative step, epoch, batch or sample count");
        }
        policyState = policyState == null ? Map.of() : new TreeMap<>(requireNonNull(policyState));
    }

    /**
     * The state of a custom training loop that only counts steps.
     */
    public static TrainerState atStep(long step)
    {
        return new TrainerState(step, 0, 0, 0, 0, 0, false, 0, 0, 0, Map.of());
    }

    /**
     * The state of a custom training loop that counts steps and epochs: {@code epoch} epochs done and
     * {@code batchInEpoch} batches of the next.
     */
    public static TrainerState at(long step, int epoch, int batchInEpoch)
    {
        return new TrainerState(step, epoch, batchInEpoch, 0, 0, 0, false, 0, 0, 0, Map.of());
    }

    public static TrainerState start(long seed, int batchSize, int datasetSize, boolean shuffle)
    {
        return new TrainerState(0, 0, 0, seed, batchSize, datasetSize, shuffle, 0, 0, 0, Map.of());
    }

    public TrainerState withPolicyState(Map<String, Double> state)
    {
        return new TrainerState(step, epoch, batchInEpoch, seed, batchSize, datasetSize, shuffle, epochLossSum, epochAccuracySum, epochSamples, state);
    }

    /**
     * The epoch's running averages, as Keras reports them: {@code loss} and {@code accuracy}.
     */
    public Map<String, Double> epochMetrics()
    {
        if (epochSamples == 0) {
            return Map.of();
        }
        Map<String, Double> metrics = new TreeMap<>();
        metrics.put("loss", epochLossSum / epochSamples);
        if (!Double.isNaN(epochAccuracySum)) {
            metrics.put("accuracy", epochAccuracySum / epochSamples);
        }
        return metrics;
    }
}
