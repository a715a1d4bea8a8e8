package io.cairn.examples;

import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.model.StepMetrics;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the three Keras examples share: the model, the data, and the training settings.
 */
final class SeedSetup
{
    static final int EPOCHS = 5;
    static final int BATCH_SIZE = 32;
    static final long SEED = 42;
    static final long SAVE_EVERY_STEPS = 50;

    private SeedSetup() {}

    /**
     * Dense(10, relu) on 100 inputs, then Dense(5, softmax); Adam and categorical cross-entropy.
     * The same seed gives the same initial weights, so "a model built by the same code" is this call.
     */
    static Model model()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(SEED).build();
        model.initialize();
        return model;
    }

    /**
     * 1000 samples of 100 normal features with random one-hot labels of 5 classes.
     */
    static Dataset data()
    {
        return Datasets.random(1000, 100, 5, SEED);
    }

    /**
     * The store URI from the first argument, else a directory under the working directory.
     */
    static String storeUri(String[] args, String defaultUri)
    {
        return args.length > 0 ? args[0] : defaultUri;
    }

    /**
     * The first batch of the unshuffled data as rows, to compare predictions on.
     */
    static float[][] probe(Dataset data)
    {
        try (Dataset.Batch batch = data.batch(data.order(SEED, 0, false), 0, BATCH_SIZE)) {
            return Model.rows(batch.features());
        }
    }

    /**
     * Keras' per-epoch running averages: batch loss and accuracy weighted by batch size.
     */
    static final class EpochMetrics
    {
        private double lossSum;
        private double accuracySum;
        private long samples;

        void add(StepMetrics step, int batchSize)
        {
            lossSum += step.loss() * batchSize;
            accuracySum += step.accuracy() * batchSize;
            samples += batchSize;
        }

        double accuracy()
        {
            return samples == 0 ? Double.NaN : accuracySum / samples;
        }

        Map<String, Double> asMap()
        {
            Map<String, Double> metrics = new TreeMap<>();
            if (samples > 0) {
                metrics.put("loss", lossSum / samples);
                metrics.put("accuracy", accuracySum / samples);
            }
            return metrics;
        }

        void reset()
        {
            lossSum = 0;
            accuracySum = 0;
            samples = 0;
        }
    }
}
