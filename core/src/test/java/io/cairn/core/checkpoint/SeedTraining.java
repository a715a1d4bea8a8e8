package io.cairn.core.checkpoint;

import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The Keras examples' setup (mlp 100-10-5, 1,000 random samples, batch 32, 5 epochs = 160 steps) with a
 * checkpointer, for tests.
 */
final class SeedTraining
{
    static final long SEED = 42;

    private SeedTraining() {}

    static Model model()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(SEED).build();
        model.initialize();
        return model;
    }

    static Dataset data()
    {
        return Datasets.random(1000, 100, 5, SEED);
    }

    record Outcome(String run, FitResult fit, List<Long> committed, List<Long> retained, Optional<Manifest> resumedFrom, List<CommittedSave> saves,
            List<DamagedCheckpoint> skipped) {}

    static Outcome train(CheckpointStore store, SavePolicy policy, SaveKind kind, CheckpointerOptions options, boolean resume, Optional<Long> maxSteps)
            throws IOException
    {
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 4);
        try (Model model = model()) {
            Checkpointer checkpointer = resume
                    ? Checkpointer.resumeRun(repository, model, options, Optional.empty())
                    : Checkpointer.startRun(repository, model, options);
            FitResult result;
            try (checkpointer) {
                FitOptions fit = FitOptions.of(5, 32, SEED);
                if (maxSteps.isPresent()) {
                    fit = fit.withMaxSteps(maxSteps.get());
                }
                if (checkpointer.resumeState().isPresent()) {
                    fit = fit.resumingFrom(checkpointer.resumeState().get());
                }
                result = new Trainer(model).fit(data(), fit, List.of(new CheckpointCallback(checkpointer, policy, kind, false)));
                checkpointer.awaitPending();
            }
            return new Outcome(checkpointer.run(), result, checkpointer.committedSteps(), checkpointer.retainedSteps(), checkpointer.resumedFrom(), checkpointer.committedSaves(),
                    checkpointer.skipped());
        }
    }
}
