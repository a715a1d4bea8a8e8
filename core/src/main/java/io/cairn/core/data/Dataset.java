package io.cairn.core.data;

import io.cairn.core.model.Model;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * Samples (features and labels) held in memory, batched with a deterministic per-epoch shuffle.
 *
 * <p>The order of epoch {@code e} is a function of (seed, e) alone, so any position (epoch, batch)
 * can be reached directly: that is what makes resume exact. An epoch has
 * {@code ceil(size / batchSize)} batches; the last may be smaller (Keras semantics).
 */
public final class Dataset
{
    private final float[] features;
    private final float[] labels;
    private final int size;
    private final int featureCount;
    private final int labelCount;
    private final String description;

    Dataset(float[] features, float[] labels, int size, int featureCount, int labelCount, String description)
    {
        this.features = requireNonNull(features, "features is null");
        this.labels = requireNonNull(labels, "labels is null");
        if (size <= 0) {
            throw new IllegalArgumentException("A dataset needs at least one sample");
        }
        if (features.length != (long) size * featureCount || labels.length != (long) size * labelCount) {
            throw new IllegalArgumentException("Features or labels do not hold " + size + " samples");
        }
        this.size = size;
        this.featureCount = featureCount;
        this.labelCount = labelCount;
        this.description = requireNonNull(description, "description is null");
    }

    public int size()
    {
        return size;
    }

    public int featureCount()
    {
        return featureCount;
    }

    public int labelCount()
    {
        return labelCount;
    }

    public String description()
    {
        return description;
    }

    public int batchesPerEpoch(int batchSize)
    {
        checkBatchSize(batchSize);
        return (int) (((long) size + batchSize - 1) / batchSize);
    }

    /**
     * The sample order of an epoch: the identity when {@code shuffle} is false, else a Fisher-Yates
     * permutation seeded from (seed, epoch).
     */
    public int[] order(long seed, int epoch, boolean shuffle)
    {
        int[] order = new int[size];
        Arrays.setAll(order, i -> i);
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
        }
        return order;
    }

    /**
     * The batch at a position of an epoch's order. The caller owns (closes) both tensors.
     */
    public Batch batch(int[] order, int batchIndex, int batchSize)
    {
        int batches = batchesPerEpoch(batchSize);
        if (batchIndex < 0 || batchIndex >= batches) {
            throw new IllegalArgumentException("Batch " + batchIndex + " is outside the epoch's " + batches + " batches");
        }
        int start = batchIndex * batchSize;
        int count = Math.min(batchSize, size - start);
        float[] x = new float[count * featureCount];
        float[] y = new float[count * labelCount];
        for (int i = 0; i < count; i++) {
            int sample = order[start + i];
            System.arraycopy(features, sample * featureCount, x, i * featureCount, featureCount);
            System.arraycopy(labels, sample * labelCount, y, i * labelCount, labelCount);
        }
        return new Batch(Model.matrix(x, count, featureCount), Model.matrix(y, count, labelCount), count);
    }

    private static void checkBatchSize(int batchSize)
    {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize);
        }
    }

    /**
     * One batch as tensors, ready to feed.
     */
    public record Batch(TFloat32 features, TFloat32 labels, int size)
            implements AutoCloseable
    {
        @Override
        public void close()
        {
            features.close();
            labels.close();
        }
    }
}
