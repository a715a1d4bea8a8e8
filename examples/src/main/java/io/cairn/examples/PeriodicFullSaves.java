package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.data.Dataset;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.util.List;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.EPOCHS;
import static io.cairn.examples.SeedSetup.SAVE_EVERY_STEPS;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * Keras example 1 of the three Cairn started from: a custom training loop that saves the full model (a SavedModel, plus the step)
 * every 50 steps. Where Keras' {@code model.save} stops training for the whole write, {@code save} here
 * waits only for a memory copy of the variables; the write, upload and commit run in the background.
 *
 * <p>Usage: {@code PeriodicFullSaves [store-uri]} (default {@code file:./checkpoints-example1}).
 */
public final class PeriodicFullSaves
{
    static final String DEFAULT_STORE = "file:./checkpoints-example1";

    private PeriodicFullSaves() {}

    public static void main(String[] args)
            throws IOException
    {
        List<Long> committed = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        System.out.println("Committed full checkpoints at steps " + committed);
    }

    /**
     * Trains the examples' model on their data into a new run of the store's repository.
     *
     * @return the steps this run committed
     */
    public static List<Long> run(String storeUri)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store);
                Model model = SeedSetup.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
            try (checkpointer) {
                train(model, SeedSetup.data(), checkpointer);
            }
            // close() waited for the saves still in flight, so every save is committed (or has thrown)
            return checkpointer.committedSteps();
        }
    }

    private static void train(Model model, Dataset data, Checkpointer checkpointer)
    {
        SeedSetup.EpochMetrics metric = new SeedSetup.EpochMetrics();
        int batches = data.batchesPerEpoch(BATCH_SIZE);
        long step = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            int[] order = data.order(SEED, epoch, false);
            for (int i = 0; i < batches; i++) {
                try (Dataset.Batch batch = data.batch(order, i, BATCH_SIZE)) {
                    metric.add(model.trainStep(batch.features(), batch.labels()), batch.size());
                }
                step++;
                if (step % SAVE_EVERY_STEPS == 0) {
                    // the position: `epoch` epochs done, i + 1 batches of the next
                    checkpointer.save(SaveKind.FULL, TrainerState.at(step, epoch, i + 1), metric.asMap());
                    System.out.println("Saving the full model at step: " + step);
                }
            }
            System.out.printf("Epoch %d, Accuracy %.4f%n", epoch + 1, metric.accuracy());
            metric.reset();
        }
    }
}
