package io.cairn.core.checkpoint;

import io.cairn.core.train.TrainerState;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Saves checkpoints from inside {@code fit} when a {@link SavePolicy} says so (Keras'
 * {@code ModelCheckpoint}, asynchronous). Saves carry the trainer state and the policy's bookkeeping,
 * so a resumed run saves exactly where the uninterrupted one would have. With a {@link Preemption}, a
 * request stops {@code fit} after the current batch and saves a {@link SaveKind#STATE} checkpoint there.
 * A failed background save stops training at the next step when the options say
 * {@link OnSaveFailure#STOP}.
 */
public final class CheckpointCallback
        implements TrainingCallback
{
    private final Checkpointer checkpointer;
    private final SavePolicy policy;
    private final SaveKind kind;
    private final boolean saveOnFinish;
    private final Optional<Preemption> preemption;
    // the stop request as seen at the end of the last batch: the step's saves and the stop agree on it
    private boolean stopping;
    private boolean batchesRan;

    public CheckpointCallback(Checkpointer checkpointer, SavePolicy policy, SaveKind kind, boolean saveOnFinish)
    {
        this(checkpointer, policy, kind, saveOnFinish, Optional.empty());
    }

    public CheckpointCallback(Checkpointer checkpointer, SavePolicy policy, SaveKind kind, boolean saveOnFinish, Optional<Preemption> preemption)
    {
        this.preemption = requireNonNull(preemption, "preemption is null");
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
        batchesRan = true;
        stopping = preemptionRequested();
        checkpointer.checkSaves();
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
    public boolean stopTraining()
    {
        // a request arriving after a batch's saves stops training after the next batch, whose saves know of it
        return batchesRan ? stopping : preemptionRequested();
    }

    private boolean preemptionRequested()
    {
        return preemption.isPresent() && preemption.get().requested();
    }

    @Override
    public void onTrainEnd(TrainingLogs logs, boolean stoppedEarly)
    {
        boolean preempted = stopTraining();
        // the finishing save first when it can resume (a run's last checkpoint stays of its kind); a WEIGHTS one
        // would take the step the preemption's STATE save needs
        if (saveOnFinish && logs.step() > 0 && (kind.resumable() || !preempted)) {
            save(kind, logs);
        }
        if (preempted) {
            // STATE resumes exactly; a step saved already (by the policy, or just above) is not saved again
            save(SaveKind.STATE, logs);
            preemption.get().saved(logs.step());
        }
    }

    /**
     * The policy's save; at the step where training stops for a preemption, a {@code STATE} one in place
     * of a {@code WEIGHTS} one, which would take the step the resumable save needs.
     */
    private void save(TrainingLogs logs)
    {
        save(stopping && !kind.resumable() ? SaveKind.STATE : kind, logs);
    }

    private void save(SaveKind saveKind, TrainingLogs logs)
    {
        TrainerState state = logs.state().withPolicyState(policy.state());
        checkpointer.save(saveKind, state, logs.metrics());
    }
}
