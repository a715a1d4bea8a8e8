package io.cairn.trainer;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.train.TrainerState;

/**
 * The one epoch convention of what people read: epochs count from 1, as the progress line's
 * {@code Epoch 1/5} and Keras' file names do. The {@code --json} documents keep core's number, the
 * epochs completed when the checkpoint was taken (so 0 during the first epoch).
 */
final class Epochs
{
    private Epochs() {}

    /**
     * The epoch a checkpoint was taken in, counting from 1: a save in the middle or at the last batch of
     * the first epoch is epoch 1, and so is a save at that epoch's end, whose trainer state already counts
     * the epoch as completed. A {@code WEIGHTS} checkpoint has no trainer state to tell its epoch's end
     * from the next epoch's start: it is taken to be inside the epoch after the ones completed.
     */
    static int takenIn(Manifest manifest)
    {
        TrainerState state = manifest.trainerState();
        if (state != null && state.batchInEpoch() == 0) {
            return Math.max(state.epoch(), 1);
        }
        return manifest.epoch() + 1;
    }
}
