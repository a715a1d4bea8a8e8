package io.cairn.trainer;

import picocli.CommandLine.Option;

/**
 * What to train, shared by {@code train} and {@code bench}: model, data, epochs, batch size, seed.
 */
final class TrainingOptions
{
    @Option(names = "--model", defaultValue = "mlp:100,10,5", paramLabel = "mlp:A,...,Z", converter = Converters.Model.class,
            description = "Dense stack: A inputs, relu hidden layers, softmax of Z classes (default: ${DEFAULT-VALUE}).")
    ModelSpec model;

    @Option(names = "--data", defaultValue = "random:1000", paramLabel = "random:N|csv:PATH", converter = Converters.Data.class,
            description = "Training data (default: ${DEFAULT-VALUE}).")
    DataSpec data;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights, data and shuffle (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * Fails naming the flag unless epochs and batch size are at least 1.
     */
    void check()
    {
        UsageException.checkAtLeastOne("--epochs", epochs);
        UsageException.checkAtLeastOne("--batch", batch);
    }
}
