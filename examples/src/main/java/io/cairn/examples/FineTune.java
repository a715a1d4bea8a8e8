package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;

import java.io.IOException;
import java.util.List;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.EPOCHS;
import static io.cairn.examples.SeedSetup.SAVE_EVERY_STEPS;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * Fine-tuning across runs in one repository. Run A trains a model and saves it in full; run B starts
 * from A's weights, freezes the first layer and trains on new data, saving in full every 50 steps.
 * Chunks are shared repository-wide and named by their content, so what B's saves cost is what
 * changed: the frozen layer, which is most of the model, and the graph are already stored.
 *
 * <p>The variables' data file is cut into chunks at its tensors, so an unchanged tensor is always an
 * unchanged chunk, whatever its size.
 *
 * <p>Usage: {@code FineTune [store-uri]} (default {@code file:./checkpoints-fine-tune}).
 */
public final class FineTune
{
    static final String DEFAULT_STORE = "file:./checkpoints-fine-tune";
    private static final int[] LAYERS = {100, 256, 16, 5};

    private FineTune() {}

    /**
     * @param parent A's checkpoint B started from
     * @param parentSave A's save of it
     * @param saves B's saves
     */
    public record Result(Manifest parent, CommittedSave parentSave, List<CommittedSave> saves) {}

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        System.out.printf("Run A: FULL save at step %d, %,d bytes, added %,d bytes%n",
                result.parentSave().step(), result.parentSave().bytes(), result.parentSave().bytesAdded());
        System.out.printf("Run B starts from run %s step %d with the first layer frozen%n", result.parent().run(), result.parent().step());
        for (CommittedSave save : result.saves()) {
            System.out.printf("Run B: FULL save at step %3d, %,d bytes, added %,7d bytes (%.0f %% of the save)%n",
                    save.step(), save.bytes(), save.bytesAdded(), 100.0 * save.bytesAdded() / save.bytes());
        }
    }

    public static Result run(String storeUri)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store)) {
            CommittedSave parentSave;
            Manifest parent;
            try (Model a = Sequential.mlp(LAYERS).seed(SEED).build()) {
                a.initialize();
                try (Checkpointer checkpointer = Checkpointer.startRun(repository, a, CheckpointerOptions.defaults())) {
                    // one epoch, saved when it ends
                    fit(a, checkpointer, Datasets.random(1000, 100, 5, SEED), 1, SavePolicies.everyEpochs(1));
                    checkpointer.awaitPending();
                    List<CommittedSave> saves = checkpointer.committedSaves();
                    parentSave = saves.get(saves.size() - 1);
                    parent = repository.checkpoint(checkpointer.run(), parentSave.step());
                }
            }
            try (Model b = Sequential.mlp(LAYERS).freeze(1).seed(SEED).build()) {
                b.initialize();
                repository.restoreWeights(parent, b);
                try (Checkpointer checkpointer = Checkpointer.startRun(repository, b, CheckpointerOptions.defaults())) {
                    fit(b, checkpointer, Datasets.random(1000, 100, 5, SEED + 1), EPOCHS, SavePolicies.everySteps(SAVE_EVERY_STEPS));
                    checkpointer.awaitPending();
                    return new Result(parent, parentSave, checkpointer.committedSaves());
                }
            }
        }
    }

    private static void fit(Model model, Checkpointer checkpointer, Dataset data, int epochs, SavePolicy policy)
    {
        new Trainer(model).fit(data, FitOptions.of(epochs, BATCH_SIZE, SEED), List.of(new CheckpointCallback(checkpointer, policy, SaveKind.FULL, false)));
    }
}
