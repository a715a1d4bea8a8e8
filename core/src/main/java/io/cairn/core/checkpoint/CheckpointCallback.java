package io.cairn.core.checkpoint;

import io.cairn.core.train.TrainerState;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;

import static java.util.Objects.requireNonNull;

/**
 * Saves checkpoints from inside {@code fit} when a {@link SavePolicy} says so (Keras'
 * {@code ModelCheckpoint}, asynchronous). Saves carry the trainer state and the policy's bookkeeping,
 * so a resumed run saves exactly where the uninterrupted one would have.
 */
public final class CheckpointCallback
        implements TrainingCallback
{
    private final Checkpointer checkpointer;
    private final SavePolicy policy;
    private final SaveKind kind;
    private final boolean saveOnFinish;

    public CheckpointCallback(Checkpointer checkpointer, SavePolicy policy, SaveKind kind, boolean saveOnFinish)
    {
        this.checkpointer = requireNonNull(checkpointer, "checkpointer is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.saveOnFinish = saveOnFinish;
    }

    /**
     * The policy that decides when to save; a {@link SaveBudget} in it tells the cadence it chose
     * ({@link SaveBudget#in}).
     */
    public SavePolicy policy()
    {
        return policy;
    }

    @Override
    public void onTrainBegin(TrainingLogs logs)
    {
        policy.restore(logs.state().policyState());
        checkpointer.prepare(kind);
    }

    @Override
    public void onBatchEnd(TrainingLogs logs)
    {
        if (policy.afterStep(logs.step(), logs.metrics())) {
            save(logs);
        }
    }

    @Override
    public void onEpochEnd(TrainingLogs logs)
    {
        if (policy.afterEpoch(logs.epoch() + 1, logs.step(), logs.metrics())) {
            save(logs);
        }
    }

    @Override
    public void onTrainEnd(TrainingLogs logs, boolean stoppedEarly)
    {
        if (saveOnFinish && logs.step() > 0) {
            save(logs);
        }
    }

    private void save(TrainingLogs logs)
    {
        TrainerState state = logs.state().withPolicyState(policy.state());
        checkpointer.save(kind, state, logs.metrics());
    }
}
