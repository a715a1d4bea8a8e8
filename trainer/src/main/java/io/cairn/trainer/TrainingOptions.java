package io.cairn.trainer;

import picocli.CommandLine.Option;

/**
 * What to train, shared by {@code train} and {@code bench}: model, data, epochs, batch size, seed.
 */
final class TrainingOptions
{
    @Option(names = "--model", defaultValue = "mlp:100,10,5", paramLabel = "mlp:A,...,Z", description = "Dense stack: A inputs, relu hidden layers, softmax of Z classes (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--data", defaultValue = "random:1000", paramLabel = "random:N|csv:PATH", description = "Training data (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, data and shuffle (default: ${DEFAULT-VALUE}).")
    long seed;

    ModelSpec modelSpec()
    {
        return ModelSpec.parse(model);
    }

    DataSpec dataSpec()
    {
        return DataSpec.parse(data);
    }

    int epochs()
    {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        return epochs;
    }

    int batch()
    {
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        return batch;
    }
}
