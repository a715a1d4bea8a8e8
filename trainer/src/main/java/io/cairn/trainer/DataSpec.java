package io.cairn.trainer;

import io.cairn.core.data.Dataset;
import io.cairn.core.data.Datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --data random:N} (N samples of normal features with random one-hot labels, as in the seed)
 * or {@code --data csv:PATH} (features, then the class index in the last column).
 */
record DataSpec(String kind, int samples, Path path)
{
    static DataSpec parse(String spec)
    {
        if (spec.startsWith("random:")) {
            String count = spec.substring("random:".length());
            int samples;
            try {
                samples = Integer.parseInt(count.trim());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("--data " + spec + ": '" + count + "' is not a sample count; expected e.g. random:1000");
            }
            if (samples <= 0) {
                throw new IllegalArgumentException("--data " + spec + ": the sample count must be positive");
            }
            return new DataSpec("random", samples, null);
        }
        if (spec.startsWith("csv:") && spec.length() > "csv:".length()) {
            return new DataSpec("csv", 0, Path.of(spec.substring("csv:".length())));
        }
        throw new IllegalArgumentException("Unknown --data '" + spec + "'; expected random:N or csv:PATH");
    }

    Dataset load(ModelSpec model, long seed)
            throws IOException
    {
        return switch (kind) {
            case "random" -> Datasets.random(samples, model.inputs(), model.classes(), seed);
            case "csv" -> Datasets.csv(path, model.classes());
            default -> throw new IllegalStateException(kind);
        };
    }

    @Override
    public String toString()
    {
        return kind.equals("random") ? "random:" + samples : "csv:" + path;
    }
}
