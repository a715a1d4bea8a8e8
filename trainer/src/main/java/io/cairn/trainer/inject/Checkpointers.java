package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.model.Model;
import io.cairn.core.train.TrainingCallback;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Starts and resumes runs in the injected repository with the bound {@link CheckpointerOptions}, and
 * gives the callbacks that save them from {@code Trainer.fit}. The caller closes each
 * {@link Checkpointer} (which waits for its pending saves) and the {@link Model}.
 *
 * <pre>{@code
 * try (Checkpointer checkpointer = checkpointers.startRun(model)) {
 *     new Trainer(model).fit(data, FitOptions.of(5, 32, 42), checkpointers.callbacks(checkpointer));
 * }
 * }</pre>
 *
 * A resumed checkpointer carries where the run stood: pass it on with
 * {@code FitOptions.resumingFrom(checkpointer.resumeState().get())} when it is present.
 */
@Singleton
public final class Checkpointers
{
    private final CheckpointRepository repository;
    private final CheckpointerOptions options;
    private final Provider<SavePolicy> savePolicies;
    private final SaveKind kind;
    private final boolean saveOnFinish;
    private final Provider<Set<TrainingCallback>> callbacks;

    @Inject
    Checkpointers(CheckpointRepository repository, CheckpointerOptions options, Provider<SavePolicy> savePolicies, SaveKind kind, CairnConfig config,
            Provider<Set<TrainingCallback>> callbacks)
    {
        this.repository = requireNonNull(repository, "repository is null");
        this.options = requireNonNull(options, "options is null");
        this.savePolicies = requireNonNull(savePolicies, "savePolicies is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.saveOnFinish = requireNonNull(config, "config is null").saveOnFinish();
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
    }

    /**
     * Starts a new run for the model, which must be initialized.
     */
    public Checkpointer startRun(Model model)
            throws IOException
    {
        return Checkpointer.startRun(repository, requireNonNull(model, "model is null"), options);
    }

    /**
     * Starts a new run from another checkpoint's weights, as fine-tuning does: restores the parent's
     * weights into the initialized model and records the parent in every checkpoint of the run. See
     * {@link Checkpointer#startRunFrom}.
     *
     * @throws io.cairn.core.checkpoint.ModelMismatchException naming a weight the model does not have,
     * or has in another shape
     */
    public Checkpointer startRunFrom(Model model, Manifest parent)
            throws IOException
    {
        return Checkpointer.startRunFrom(repository, requireNonNull(model, "model is null"), options, requireNonNull(parent, "parent is null"));
    }

    /**
     * Continues the newest run, restoring its newest resumable checkpoint into the model; with no run
     * in the repository, starts a new one. See {@link Checkpointer#resumeRun}.
     *
     * @throws IllegalArgumentException if the run has only {@code WEIGHTS} checkpoints
     */
    public Checkpointer resume(Model model)
            throws IOException
    {
        return Checkpointer.resumeRun(repository, requireNonNull(model, "model is null"), options, Optional.empty());
    }

    /**
     * Continues the named run. See {@link Checkpointer#resumeRun}.
     *
     * @throws IllegalArgumentException if the run does not exist, or has only {@code WEIGHTS} checkpoints
     */
    public Checkpointer resume(Model model, String run)
            throws IOException
    {
        return Checkpointer.resumeRun(repository, requireNonNull(model, "model is null"), options, Optional.of(requireNonNull(run, "run is null")));
    }

    /**
     * The callbacks for {@code Trainer.fit}: a {@link CheckpointCallback} saving the bound kind when
     * the bound policy says so (and at the end with save-on-finish), then the program's own callbacks
     * bound through the {@code Multibinder}, in binding order. Each call makes a new save policy.
     */
    public List<TrainingCallback> callbacks(Checkpointer checkpointer)
    {
        return callbacks(checkpointer, Optional.empty());
    }

    /**
     * The {@link #callbacks(Checkpointer) callbacks}, where a {@link Preemption}'s request (SIGTERM,
     * SIGINT) stops training after the current batch with a last {@code STATE} save:
     *
     * <pre>{@code
     * try (Preemption preemption = Preemption.install()) {
     *     try (Checkpointer checkpointer = checkpointers.resume(model)) {
     *         new Trainer(model).fit(data, options, checkpointers.callbacks(checkpointer, Optional.of(preemption)));
     *     }
     *     if (preemption.requested()) {
     *         System.exit(preemption.exitCode());
     *     }
     * }
     * }</pre>
     */
    public List<TrainingCallback> callbacks(Checkpointer checkpointer, Optional<Preemption> preemption)
    {
        List<TrainingCallback> all = new ArrayList<>();
        all.add(new CheckpointCallback(requireNonNull(checkpointer, "checkpointer is null"), savePolicies.get(), kind, saveOnFinish, preemption));
        all.addAll(callbacks.get());
        return List.copyOf(all);
    }
}
