package io.cairn.core.checkpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestRetentionPolicy
{
    private static final List<Manifest> STEPS_50_TO_300 = withoutMetrics(50, 100, 150, 200, 250, 300);

    @Test
    void keepLastKeepsTheNewestSteps()
    {
        assertThat(RetentionPolicy.keepLast(2).keep(STEPS_50_TO_300)).containsExactlyInAnyOrder(250L, 300L);
    }

    @Test
    void keepLastLooksAtStepsNotAtListOrder()
    {
        List<Manifest> shuffled = withoutMetrics(300, 50, 250, 100);

        assertThat(RetentionPolicy.keepLast(2).keep(shuffled)).containsExactlyInAnyOrder(250L, 300L);
    }

    @Test
    void keepLastKeepsEverythingWhenThereAreFewer()
    {
        assertThat(RetentionPolicy.keepLast(10).keep(STEPS_50_TO_300)).containsExactlyInAnyOrder(50L, 100L, 150L, 200L, 250L, 300L);
        assertThat(RetentionPolicy.keepLast(1).keep(List.of())).isEmpty();
    }

    @Test
    void keepEveryStepsKeepsMultiplesOnly()
    {
        assertThat(RetentionPolicy.keepEverySteps(100).keep(STEPS_50_TO_300)).containsExactlyInAnyOrder(100L, 200L, 300L);
        assertThat(RetentionPolicy.keepEverySteps(1000).keep(STEPS_50_TO_300)).isEmpty();
    }

    @Test
    void keepBestInMinModeKeepsTheLowest()
    {
        List<Manifest> checkpoints = List.of(
                withMetric(10, "loss", 0.9),
                withMetric(20, "loss", 0.4),
                withMetric(30, "loss", 0.7),
                withMetric(40, "loss", 0.3),
                withMetric(50, "loss", 0.8));

        assertThat(RetentionPolicy.keepBest(2, "loss", MetricMode.MIN).keep(checkpoints)).containsExactlyInAnyOrder(20L, 40L);
    }

    @Test
    void keepBestInMaxModeKeepsTheHighest()
    {
        List<Manifest> checkpoints = List.of(
                withMetric(10, "accuracy", 0.9),
                withMetric(20, "accuracy", 0.4),
                withMetric(30, "accuracy", 0.7),
                withMetric(40, "accuracy", 0.95));

        assertThat(RetentionPolicy.keepBest(2, "accuracy", MetricMode.MAX).keep(checkpoints)).containsExactlyInAnyOrder(10L, 40L);
    }

    @Test
    void keepBestBreaksTiesInFavourOfTheNewer()
    {
        List<Manifest> checkpoints = List.of(
                withMetric(10, "loss", 0.5),
                withMetric(30, "loss", 0.5),
                withMetric(20, "loss", 0.5),
                withMetric(40, "loss", 0.9));

        assertThat(RetentionPolicy.keepBest(1, "loss", MetricMode.MIN).keep(checkpoints)).containsExactly(30L);
        assertThat(RetentionPolicy.keepBest(2, "loss", MetricMode.MIN).keep(checkpoints)).containsExactlyInAnyOrder(20L, 30L);
        assertThat(RetentionPolicy.keepBest(1, "loss", MetricMode.MAX).keep(checkpoints)).containsExactly(40L);
        assertThat(RetentionPolicy.keepBest(2, "loss", MetricMode.MAX).keep(checkpoints)).containsExactlyInAnyOrder(30L, 40L);
    }

    @Test
    void keepBestIgnoresCheckpointsWithoutTheMetricOrWithNan()
    {
        List<Manifest> checkpoints = List.of(
                withMetric(10, "loss", 0.9),
                withMetric(20, "accuracy", 0.1),
                withMetric(30, "loss", Double.NaN),
                withoutMetrics(40).get(0),
                withMetric(50, "loss", 0.95));

        assertThat(RetentionPolicy.keepBest(3, "loss", MetricMode.MIN).keep(checkpoints)).containsExactlyInAnyOrder(10L, 50L);
        assertThat(RetentionPolicy.keepBest(1, "f1", MetricMode.MAX).keep(checkpoints)).isEmpty();
    }

    @Test
    void unionKeepsWhatAnyRuleKeeps()
    {
        List<Manifest> checkpoints = new ArrayList<>();
        double[] losses = {0.2, 0.9, 0.8, 0.7, 0.6, 0.5};
        for (int i = 0; i < losses.length; i++) {
            checkpoints.add(withMetric(50L * (i + 1), "loss", losses[i]));
        }
        RetentionPolicy rules = RetentionPolicy.union(List.of(
                RetentionPolicy.keepLast(1),
                RetentionPolicy.keepEverySteps(200),
                RetentionPolicy.keepBest(1, "loss", MetricMode.MIN)));

        assertThat(rules.keep(checkpoints)).containsExactlyInAnyOrder(50L, 200L, 300L);
    }

    @Test
    void unionOfNoRulesKeepsEverything()
    {
        assertThat(RetentionPolicy.union(List.of()).keep(STEPS_50_TO_300)).hasSize(6);
    }

    @Test
    void keepAllKeepsEveryStep()
    {
        assertThat(RetentionPolicy.keepAll().keep(STEPS_50_TO_300)).containsExactlyInAnyOrder(50L, 100L, 150L, 200L, 250L, 300L);
    }

    @Test
    void countsBelowOneAreRejectedNamingTheSetting()
    {
        assertThatThrownBy(() -> RetentionPolicy.keepLast(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepLast must be at least 1, got 0");
        assertThatThrownBy(() -> RetentionPolicy.keepLast(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -2");
        assertThatThrownBy(() -> RetentionPolicy.keepEverySteps(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepEverySteps must be at least 1, got 0");
        assertThatThrownBy(() -> RetentionPolicy.keepEverySteps(-100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -100");
        assertThatThrownBy(() -> RetentionPolicy.keepBest(0, "loss", MetricMode.MIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepBest must be at least 1, got 0");
    }

    @Test
    void keepBestNeedsAMetricAndAMode()
    {
        assertThatThrownBy(() -> RetentionPolicy.keepBest(1, null, MetricMode.MIN))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("metric");
        assertThatThrownBy(() -> RetentionPolicy.keepBest(1, "loss", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mode");
    }

    private static List<Manifest> withoutMetrics(long... steps)
    {
        List<Manifest> manifests = new ArrayList<>();
        for (long step : steps) {
            manifests.add(manifest(step, Map.of()));
        }
        return manifests;
    }

    @Test
    void keepEveryKeepsOneCheckpointPerIntervalOfWallTime()
    {
        // saves every 20 minutes from 00:00 to 03:00, step 10 each
        List<Manifest> checkpoints = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            checkpoints.add(createdAt(10L * (i + 1), Instant.parse("2026-01-01T00:00:00Z").plus(Duration.ofMinutes(20L * i))));
        }
        assertThat(RetentionPolicy.keepEvery(Duration.ofHours(1)).keep(checkpoints)).containsExactlyInAnyOrder(10L, 40L, 70L, 100L);
        assertThat(RetentionPolicy.keepEvery(Duration.ofMinutes(20)).keep(checkpoints)).hasSize(10);
        // combined by union with keep-last: the last two and one an hour
        assertThat(RetentionPolicy.union(List.of(RetentionPolicy.keepEvery(Duration.ofHours(1)), RetentionPolicy.keepLast(2))).keep(checkpoints))
                .containsExactlyInAnyOrder(10L, 40L, 70L, 90L, 100L);
        assertThatThrownBy(() -> RetentionPolicy.keepEvery(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keepEvery must be a positive duration");
    }

    private static Manifest createdAt(long step, Instant created)
    {
        return new Manifest(Manifest.FORMAT_VERSION, "run-1", step, 0, SaveKind.WEIGHTS, created.toString(), Map.of(),
                null, 4096, List.of(), List.of(), null);
    }

    private static Manifest withMetric(long step, String metric, double value)
    {
        return manifest(step, Map.of(metric, value));
    }

    // retention looks at the step and the metrics only
    private static Manifest manifest(long step, Map<String, Double> metrics)
    {
        return new Manifest(Manifest.FORMAT_VERSION, "run-1", step, 0, SaveKind.WEIGHTS, "2026-01-01T00:00:00Z", metrics,
                null, 4096, List.of(), List.of(), null);
    }
}
