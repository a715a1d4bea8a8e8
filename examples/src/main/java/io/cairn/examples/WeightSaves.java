package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.data.Dataset;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.EPOCHS;
import static io.cairn.examples.SeedSetup.SAVE_EVERY_STEPS;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * Keras example 2 of the three Cairn started from: the same loop, saving only the model weights every 50 steps (no graph, no
 * optimizer slots: smaller and cheaper). To use them, build the model again with the same code and
 * restore the latest weights into it, as Keras' {@code load_weights} does.
 *
 * <p>Usage: {@code WeightSaves [store-uri]} (default {@code file:./checkpoints-example2}).
 */
public final class WeightSaves
{
    static final String DEFAULT_STORE = "file:./checkpoints-example2";

    private WeightSaves() {}

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        System.out.println("Committed weight checkpoints at steps " + result.committedSteps());
        System.out.println(result.predictionsMatch()
                ? "The fresh model with the restored weights predicts exactly as the trained model did at step " + result.restoredStep()
                : "MISMATCH: the fresh model with the restored weights predicts differently from the trained model at step " + result.restoredStep());
    }

    /**
     * @param committedSteps the steps the training run committed
     * @param restoredStep the step whose weights were restored into a fresh model
     * @param savedPredictions the trained model's predictions on a probe batch when it saved that step
     * @param freshPredictions a freshly built model's predictions on the probe, before the restore
     * @param restoredPredictions the fresh model's predictions after the restore
     */
    public record Result(List<Long> committedSteps, long restoredStep, float[][] savedPredictions, float[][] freshPredictions, float[][] restoredPredictions)
    {
        public boolean predictionsMatch()
        {
            return Arrays.deepEquals(savedPredictions, restoredPredictions);
        }
    }

    public static Result run(String storeUri)
            throws IOException
    {
        Dataset data = SeedSetup.data();
        float[][] probe = SeedSetup.probe(data);
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store)) {
            float[][] savedPredictions;
            Checkpointer checkpointer;
            try (Model model = SeedSetup.model()) {
                checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
                try (checkpointer) {
                    savedPredictions = train(model, data, checkpointer, probe);
                }
            }

            // training stopped at step 160; the newest weights on the store are those of step 150
            Manifest latest = repository.latest(checkpointer.run())
                    .orElseThrow(() -> new IllegalStateException("Run " + checkpointer.run() + " committed no checkpoint"));
            try (Model fresh = SeedSetup.model()) {
                float[][] freshPredictions = fresh.predict(probe);
                repository.restore(latest, fresh);
                return new Result(checkpointer.committedSteps(), latest.step(), savedPredictions, freshPredictions, fresh.predict(probe));
            }
        }
    }

    /**
     * @return the model's predictions on the probe at the last save
     */
    private static float[][] train(Model model, Dataset data, Checkpointer checkpointer, float[][] probe)
    {
        SeedSetup.EpochMetrics metric = new SeedSetup.EpochMetrics();
        int batches = data.batchesPerEpoch(BATCH_SIZE);
        float[][] savedPredictions = null;
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
                    checkpointer.save(SaveKind.WEIGHTS, TrainerState.at(step, epoch, i + 1), metric.asMap());
                    // kept only to show later that the restored weights reproduce this model
                    savedPredictions = model.predict(probe);
                    System.out.println("Saving weights at step: " + step);
                }
            }
            System.out.printf("Epoch %d, Accuracy %.4f%n", epoch + 1, metric.accuracy());
            metric.reset();
        }
        return savedPredictions;
    }
}
