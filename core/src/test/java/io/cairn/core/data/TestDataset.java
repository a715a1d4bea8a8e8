package io.cairn.core.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestDataset
{
    @Test
    void randomDataIsAFunctionOfTheSeed()
    {
        Dataset first = Datasets.random(200, 5, 3, 42);
        Dataset second = Datasets.random(200, 5, 3, 42);
        Dataset other = Datasets.random(200, 5, 3, 43);

        Rows a = Rows.all(first);
        Rows b = Rows.all(second);
        Rows c = Rows.all(other);
        assertThat(b.features()).isDeepEqualTo(a.features());
        assertThat(b.labels()).isDeepEqualTo(a.labels());
        assertThat(Arrays.deepEquals(c.features(), a.features())).as("features of seeds 42 and 43 differ").isFalse();
        assertThat(Arrays.deepEquals(c.labels(), a.labels())).as("labels of seeds 42 and 43 differ").isFalse();
    }

    @Test
    void randomDataHasItsShapeAndDescription()
    {
        Dataset data = Datasets.random(1000, 100, 5, 7);

        assertThat(data.size()).isEqualTo(1000);
        assertThat(data.featureCount()).isEqualTo(100);
        assertThat(data.labelCount()).isEqualTo(5);
        assertThat(data.description()).isEqualTo("random:1000");
    }

    @Test
    void randomLabelsAreOneHotAndUseEveryClass()
    {
        Rows rows = Rows.all(Datasets.random(600, 2, 4, 1));

        int[] perClass = new int[4];
        for (float[] label : rows.labels()) {
            assertThat(label).hasSize(4);
            int hot = -1;
            for (int i = 0; i < label.length; i++) {
                assertThat(label[i]).isIn(0f, 1f);
                if (label[i] == 1f) {
                    assertThat(hot).as("more than one hot class in %s", Arrays.toString(label)).isEqualTo(-1);
                    hot = i;
                }
            }
            assertThat(hot).as("no hot class in %s", Arrays.toString(label)).isNotNegative();
            perClass[hot]++;
        }
        // 150 expected per class
        assertThat(Arrays.stream(perClass).boxed().toList()).allSatisfy(count -> assertThat(count).isBetween(100, 200));
    }

    @Test
    void randomFeaturesAreStandardNormal()
    {
        Rows rows = Rows.all(Datasets.random(5000, 4, 2, 3));

        double sum = 0;
        double squares = 0;
        int n = 0;
        for (float[] row : rows.features()) {
            for (float value : row) {
                sum += value;
                squares += (double) value * value;
                n++;
            }
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;
        assertThat(mean).isBetween(-0.05, 0.05);
        assertThat(variance).isBetween(0.95, 1.05);
    }

    @Test
    void randomDataNeedsPositiveSizes()
    {
        assertThatThrownBy(() -> Datasets.random(0, 5, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0, 5, 3");
        assertThatThrownBy(() -> Datasets.random(10, -1, 3, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Datasets.random(10, 5, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shuffledOrderIsAPermutation()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);

        int[] order = data.order(42, 0, true);

        assertThat(order).hasSize(1000);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
        assertThat(order).isNotEqualTo(IntStream.range(0, 1000).toArray());
    }

    @Test
    void shuffledOrderIsAFunctionOfSeedAndEpoch()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);
        // a dataset with other contents but the same size orders the same way
        Dataset sameSize = Datasets.random(1000, 3, 4, 99);

        assertThat(data.order(42, 3, true)).isEqualTo(data.order(42, 3, true)).isEqualTo(sameSize.order(42, 3, true));
    }

    @Test
    void shuffledOrderDiffersBetweenEpochsAndSeeds()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);

        Set<String> orders = new HashSet<>();
        for (int epoch = 0; epoch < 5; epoch++) {
            orders.add(Arrays.toString(data.order(42, epoch, true)));
        }
        orders.add(Arrays.toString(data.order(43, 0, true)));

        assertThat(orders).hasSize(6);
    }

    @Test
    void unshuffledOrderIsTheIdentityInEveryEpoch()
    {
        Dataset data = Datasets.random(10, 1, 2, 1);

        assertThat(data.order(42, 0, false)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(data.order(7, 5, false)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void epochHasCeilOfSizeOverBatchBatches()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);

        assertThat(data.batchesPerEpoch(32)).isEqualTo(32);
        assertThat(data.batchesPerEpoch(1000)).isEqualTo(1);
        assertThat(data.batchesPerEpoch(1001)).isEqualTo(1);
        assertThat(data.batchesPerEpoch(1)).isEqualTo(1000);
        assertThat(data.batchesPerEpoch(250)).isEqualTo(4);
        assertThat(data.batchesPerEpoch(249)).isEqualTo(5);
    }

    @Test
    void hugeBatchSizeMakesOneBatch()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);

        assertThat(data.batchesPerEpoch(Integer.MAX_VALUE)).isEqualTo(1);
        assertThat(data.batchesPerEpoch(Integer.MAX_VALUE - 500)).isEqualTo(1);
    }

    @Test
    void lastBatchHoldsTheRemainder()
    {
        Dataset data = Datasets.random(1000, 3, 2, 1);
        int[] order = data.order(1, 0, true);

        try (Dataset.Batch first = data.batch(order, 0, 32); Dataset.Batch last = data.batch(order, 31, 32)) {
            assertThat(first.size()).isEqualTo(32);
            assertThat(first.features().shape().asArray()).containsExactly(32, 3);
            assertThat(first.labels().shape().asArray()).containsExactly(32, 2);
            assertThat(last.size()).isEqualTo(8);
            assertThat(last.features().shape().asArray()).containsExactly(8, 3);
            assertThat(last.labels().shape().asArray()).containsExactly(8, 2);
        }
    }

    @Test
    void batchesTakeSamplesInTheGivenOrder()
    {
        float[][] features = new float[7][];
        float[][] labels = new float[7][];
        for (int i = 0; i < 7; i++) {
            features[i] = new float[] {i, 10 * i};
            labels[i] = new float[] {i % 2, 1 - i % 2};
        }
        Dataset data = Datasets.of(features, labels);
        int[] order = {6, 5, 4, 3, 2, 1, 0};

        Rows second = Rows.of(data, order, 1, 3);
        Rows last = Rows.of(data, order, 2, 3);

        assertThat(second.features()).isDeepEqualTo(new float[][] {{3, 30}, {2, 20}, {1, 10}});
        assertThat(second.labels()).isDeepEqualTo(new float[][] {{1, 0}, {0, 1}, {1, 0}});
        assertThat(last.features()).isDeepEqualTo(new float[][] {{0, 0}});
    }

    @Test
    void batchOutsideTheEpochIsRejected()
    {
        Dataset data = Datasets.random(1000, 1, 2, 1);
        int[] order = data.order(1, 0, false);

        assertThatThrownBy(() -> data.batch(order, 32, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch 32 is outside the epoch's 32 batches");
        assertThatThrownBy(() -> data.batch(order, -1, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch -1");
    }

    @Test
    void batchSizeBelowOneIsRejected()
    {
        Dataset data = Datasets.random(10, 1, 2, 1);

        assertThatThrownBy(() -> data.batchesPerEpoch(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Batch size must be at least 1, got 0");
        assertThatThrownBy(() -> data.batch(data.order(1, 0, false), 0, -4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -4");
    }

    record Rows(float[][] features, float[][] labels)
    {
        static Rows all(Dataset data)
        {
            return of(data, data.order(0, 0, false), 0, data.size());
        }

        static Rows of(Dataset data, int[] order, int batchIndex, int batchSize)
        {
            try (Dataset.Batch batch = data.batch(order, batchIndex, batchSize)) {
                float[][] x = new float[batch.size()][data.featureCount()];
                float[][] y = new float[batch.size()][data.labelCount()];
                for (int row = 0; row < batch.size(); row++) {
                    for (int column = 0; column < data.featureCount(); column++) {
                        x[row][column] = batch.features().getFloat(row, column);
                    }
                    for (int column = 0; column < data.labelCount(); column++) {
                        y[row][column] = batch.labels().getFloat(row, column);
                    }
                }
                return new Rows(x, y);
            }
        }
    }
}
