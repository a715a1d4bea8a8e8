package io.cairn.core.train;

/**
 * Hooks into {@link Trainer#fit}, as Keras callbacks do. Methods run on the training thread; time
 * spent in them is time training waits. An exception stops training and propagates from {@code fit}.
 */
public interface TrainingCallback
{
    default void onTrainBegin(TrainingLogs logs) {}

    default void onEpochBegin(TrainingLogs logs) {}

    default void onBatchBegin(TrainingLogs logs) {}

    default void onBatchEnd(TrainingLogs logs) {}

    default void onEpochEnd(TrainingLogs logs) {}

    /**
     * @param stoppedEarly true when training stopped before its last epoch (e.g. {@code maxSteps})
     */
    default void onTrainEnd(TrainingLogs logs, boolean stoppedEarly) {}

    /**
     * Asked before each batch (so after the one before it ended), as Keras' {@code stop_training}:
     * true stops {@code fit} there, and {@link #onTrainEnd} sees {@code stoppedEarly}. A preempted run
     * stops this way ({@code io.cairn.core.checkpoint.Preemption}).
     */
    default boolean stopTraining()
    {
        return false;
    }
}
