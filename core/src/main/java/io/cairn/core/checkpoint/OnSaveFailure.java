package io.cairn.core.checkpoint;

/**
 * What a failed background save does to training ({@link CheckpointerOptions#onSaveFailure()}).
 */
public enum OnSaveFailure
{
    /**
     * Training goes on: the failure goes to the listeners and the log, and the next save stores what the
     * failed one did not (its chunks are uploaded again unless another save stored them). Only when the
     * newest save failed do {@link Checkpointer#awaitPending} and {@link Checkpointer#close} throw: the
     * latest state is then not stored.
     */
    CONTINUE,
    /**
     * Training stops: the first failure is thrown at the next step ({@link CheckpointCallback}) or by the
     * next {@link Checkpointer#save}, {@link Checkpointer#awaitPending} or {@link Checkpointer#close}.
     */
    STOP
}
