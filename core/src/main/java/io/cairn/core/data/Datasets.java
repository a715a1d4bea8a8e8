package io.cairn.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Ways to make a {@link Dataset}.
 */
public final class Datasets
{
    private Datasets() {}

    /**
     * The Keras examples' data: normal features and uniformly random one-hot labels, from a seed.
     */
    public static Dataset random(int samples, int features, int classes, long seed)
    {
        if (samples <= 0 || features <= 0 || classes <= 0) {
            throw new IllegalArgumentException("Random data needs positive samples, features and classes, got " + samples + ", " + features + ", " + classes);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[Math.multiplyExact(samples, features)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) gaussian(random);
        }
        float[] y = new float[Math.multiplyExact(samples, classes)];
        for (int i = 0; i < samples; i++) {
            y[i * classes + random.nextInt(classes)] = 1f;
        }
        return new Dataset(x, y, samples, features, classes, "random:" + samples);
    }

    public static Dataset of(float[][] features, float[][] labels)
    {
        if (features.length != labels.length) {
            throw new IllegalArgumentException("Got " + features.length + " feature rows but " + labels.length + " label rows");
        }
        if (features.length == 0) {
            throw new IllegalArgumentException("A dataset needs at least one sample");
        }
        return new Dataset(flatten(features, "feature"), flatten(labels, "label"), features.length, features[0].length, labels[0].length, "arrays:" + features.length);
    }

    /**
     * Reads a CSV file: one sample a line, numeric feature columns, and the class index (0 to
     * {@code classes - 1}) in the last column, turned into a one-hot label. A first line that does not
     * parse as numbers is taken as a header. Blank lines are skipped.
     *
     * @throws MalformedDataException when the file is missing or a line is not a sample, naming the line
     */
    public static Dataset csv(Path path, int classes)
            throws IOException
    {
        if (classes <= 0) {
            throw new IllegalArgumentException("CSV data needs a positive number of classes, got " + classes);
        }
        if (!Files.isRegularFile(path)) {
            throw new MalformedDataException("CSV file " + path + " does not exist or is not a file");
        }
        List<float[]> rows = new ArrayList<>();
        List<Integer> labelIndexes = new ArrayList<>();
        int columns = -1;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                float[] values = new float[cells.length];
                try {
                    for (int i = 0; i < cells.length; i++) {
                        values[i] = Float.parseFloat(cells[i].trim());
                    }
                }
                catch (NumberFormatException e) {
                    if (rows.isEmpty() && columns < 0) {
                        columns = cells.length;
                        continue;
                    }
                    throw new MalformedDataException(path + " line " + lineNumber + ": not a number: " + e.getMessage());
                }
                if (columns < 0) {
                    columns = cells.length;
                }
                if (cells.length != columns || columns < 2) {
                    throw new MalformedDataException(path + " line " + lineNumber + ": expected " + columns + " columns (features then the class index), got " + cells.length);
                }
                float label = values[columns - 1];
                if (label != Math.rint(label) || label < 0 || label >= classes) {
                    throw new MalformedDataException(path + " line " + lineNumber + ": the class index must be an integer from 0 to " + (classes - 1) + ", got " + cells[columns - 1].trim());
                }
                rows.add(values);
                labelIndexes.add((int) label);
            }
        }
        if (rows.isEmpty()) {
            throw new MalformedDataException("CSV file " + path + " has no samples");
        }
        int featureCount = columns - 1;
        float[] x = new float[rows.size() * featureCount];
        float[] y = new float[rows.size() * classes];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * featureCount, featureCount);
            y[i * classes + labelIndexes.get(i)] = 1f;
        }
        return new Dataset(x, y, rows.size(), featureCount, classes, "csv:" + path);
    }

    private static float[] flatten(float[][] rows, String what)
    {
        int columns = rows[0].length;
        float[] flat = new float[rows.length * columns];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != columns) {
                throw new IllegalArgumentException("The " + what + " row " + i + " has " + rows[i].length + " values, expected " + columns);
            }
            System.arraycopy(rows[i], 0, flat, i * columns, columns);
        }
        return flat;
    }

    // Box-Muller with one draw per call keeps the stream a pure function of the seed
    private static double gaussian(SplittableRandom random)
    {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
