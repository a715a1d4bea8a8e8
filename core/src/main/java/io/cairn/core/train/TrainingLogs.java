package io.cairn.core.train;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What a callback sees at a batch, epoch or training boundary.
 *
 * @param step global steps done
 * @param epoch the epoch in progress or just ended, counting from 0
 * @param batch batches of that epoch done
 * @param batchesPerEpoch batches in an epoch
 * @param epochs epochs the training runs
 * @param metrics the epoch's running averages ({@code loss}, {@code accuracy}); at train end, those of the last epoch
 * @param state the trainer state to checkpoint at this boundary (it resumes after this boundary)
 */
public record TrainingLogs(
        long step,
        int epoch,
        int batch,
        int batchesPerEpoch,
        int epochs,
        Map<String, Double> metrics,
        TrainerState state)
{
    public TrainingLogs
    {
        metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
        requireNonNull(state, "state is null");
    }
}
