package io.cairn.core.checkpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSavePolicies
{
    private static final Map<String, Double> NO_METRICS = Map.of();

    @Test
    void everyFiftyStepsSavesAtFiftyHundredAndHundredFiftyOfHundredSixty()
    {
        SavePolicy policy = SavePolicies.everySteps(50);

        assertThat(stepsSaved(policy, 160)).containsExactly(50L, 100L, 150L);
    }

    @Test
    void everyStepSavesAtEveryStep()
    {
        assertThat(stepsSaved(SavePolicies.everySteps(1), 5)).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void stepPolicyNeverSavesAtEpochEnd()
    {
        SavePolicy policy = SavePolicies.everySteps(1);

        assertThat(policy.afterEpoch(1, 10, NO_METRICS)).isFalse();
    }

    @Test
    void everyTwoEpochsSavesAtEvenEpochsOnly()
    {
        SavePolicy policy = SavePolicies.everyEpochs(2);

        List<Integer> saved = new ArrayList<>();
        for (int epoch = 1; epoch <= 7; epoch++) {
            if (policy.afterEpoch(epoch, epoch * 10L, NO_METRICS)) {
                saved.add(epoch);
            }
        }
        assertThat(saved).containsExactly(2, 4, 6);
        assertThat(policy.afterStep(20, NO_METRICS)).isFalse();
    }

    @Test
    void durationPolicySavesAtTheFirstStepAfterTheIntervalSinceTheLastSave()
    {
        AtomicLong nanos = new AtomicLong(1_000);
        SavePolicy policy = SavePolicies.every(Duration.ofSeconds(10), nanos::get);

        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(policy.afterStep(1, NO_METRICS)).as("9 s after creation").isFalse();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(policy.afterStep(2, NO_METRICS)).as("exactly 10 s after creation").isTrue();

        nanos.addAndGet(Duration.ofSeconds(7).toNanos());
        assertThat(policy.afterStep(3, NO_METRICS)).as("7 s after the save").isFalse();

        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(policy.afterStep(4, NO_METRICS)).as("12 s after the save").isTrue();

        // the interval counts from the save (at 22 s), not from the previous deadline (20 s)
        nanos.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(policy.afterStep(5, NO_METRICS)).as("9 s after the save").isFalse();
    }

    @Test
    void durationPolicyDoesNotSaveWhileTheClockStandsStill()
    {
        AtomicLong nanos = new AtomicLong();
        SavePolicy policy = SavePolicies.every(Duration.ofMillis(1), nanos::get);

        for (long step = 1; step <= 100; step++) {
            assertThat(policy.afterStep(step, NO_METRICS)).isFalse();
        }
        assertThat(policy.afterEpoch(1, 100, NO_METRICS)).isFalse();
    }

    @Test
    void improvementPolicySavesTheFirstEpochAndThenOnlyLowerLosses()
    {
        SavePolicy policy = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);

        assertThat(savedEpochs(policy, "loss", 1.0, 1.2, 0.9, 0.9, 0.95, 0.5)).containsExactly(1, 3, 6);
    }

    @Test
    void improvementPolicyInMaxModeSavesOnlyHigherValues()
    {
        SavePolicy policy = SavePolicies.onImprovement("accuracy", MetricMode.MAX, 0);

        assertThat(savedEpochs(policy, "accuracy", 0.5, 0.4, 0.6, 0.6, 0.7)).containsExactly(1, 3, 5);
    }

    @Test
    void improvementSmallerThanMinDeltaDoesNotSave()
    {
        SavePolicy policy = SavePolicies.onImprovement("loss", MetricMode.MIN, 0.1);

        // 0.95 and 0.91 beat 1.0 by less than 0.1; 0.85 beats it by more
        assertThat(savedEpochs(policy, "loss", 1.0, 0.95, 0.91, 0.85, 0.8, 0.7)).containsExactly(1, 4, 6);
    }

    @Test
    void improvementPolicyOnlySavesAtEpochEnds()
    {
        SavePolicy policy = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);

        assertThat(policy.afterStep(1, Map.of("loss", 0.1))).isFalse();
    }

    @Test
    void nanMetricNeitherSavesNorBecomesTheBest()
    {
        SavePolicy policy = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);

        assertThat(policy.afterEpoch(1, 10, Map.of("loss", Double.NaN))).as("NaN first epoch").isFalse();
        assertThat(policy.state()).isEmpty();
        assertThat(policy.afterEpoch(2, 20, Map.of("loss", 1.0))).isTrue();
        assertThat(policy.afterEpoch(3, 30, Map.of("loss", Double.NaN))).isFalse();
        assertThat(policy.state()).containsExactly(Map.entry("best.loss", 1.0));
        assertThat(policy.afterEpoch(4, 40, Map.of("loss", 1.1))).as("worse than the best before NaN").isFalse();
    }

    @Test
    void unknownMetricIsRejectedNamingItAndTheReportedOnes()
    {
        SavePolicy policy = SavePolicies.onImprovement("f1", MetricMode.MAX, 0);

        assertThatThrownBy(() -> policy.afterEpoch(1, 10, Map.of("loss", 1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'f1'")
                .hasMessageContaining("loss");
    }

    @Test
    void restoredBestMakesAFreshPolicyDecideAsTheOriginal()
    {
        SavePolicy original = SavePolicies.onImprovement("loss", MetricMode.MIN, 0.01);
        savedEpochs(original, "loss", 1.0, 0.8, 0.9);
        Map<String, Double> state = original.state();
        assertThat(state).containsExactly(Map.entry("best.loss", 0.8));

        SavePolicy resumed = SavePolicies.onImprovement("loss", MetricMode.MIN, 0.01);
        resumed.restore(state);

        double[] later = {0.85, 0.795, 0.7, 0.75, 0.6};
        for (int i = 0; i < later.length; i++) {
            Map<String, Double> metrics = Map.of("loss", later[i]);
            boolean expected = original.afterEpoch(4 + i, 0, metrics);
            assertThat(resumed.afterEpoch(4 + i, 0, metrics)).as("epoch %d, loss %s", 4 + i, later[i]).isEqualTo(expected);
        }
        assertThat(resumed.state()).isEqualTo(original.state()).containsExactly(Map.entry("best.loss", 0.6));
    }

    @Test
    void freshPolicyWithoutRestoredStateSavesWhereTheResumedOneDoesNot()
    {
        // guards the round-trip test above: without restore(), the first epoch after resume would save
        SavePolicy resumed = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);
        resumed.restore(Map.of("best.loss", 0.5));

        assertThat(resumed.afterEpoch(4, 0, Map.of("loss", 0.6))).isFalse();
        assertThat(SavePolicies.onImprovement("loss", MetricMode.MIN, 0).afterEpoch(4, 0, Map.of("loss", 0.6))).isTrue();
    }

    @Test
    void restoringStateWithoutTheKeyForgetsTheBest()
    {
        SavePolicy policy = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);
        policy.afterEpoch(1, 10, Map.of("loss", 0.1));

        policy.restore(Map.of("best.accuracy", 0.9));

        assertThat(policy.state()).isEmpty();
        assertThat(policy.afterEpoch(2, 20, Map.of("loss", 5.0))).isTrue();
    }

    @Test
    void anyOfSavesWhenAnyMemberSays()
    {
        SavePolicy policy = SavePolicies.anyOf(List.of(SavePolicies.everySteps(3), SavePolicies.everySteps(5)));

        assertThat(stepsSaved(policy, 15)).containsExactly(3L, 5L, 6L, 9L, 10L, 12L, 15L);
    }

    @Test
    void anyOfAsksEveryMemberEvenAfterOneSaidYes()
    {
        SavePolicy bestLoss = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);
        SavePolicy policy = SavePolicies.anyOf(List.of(SavePolicies.everyEpochs(1), bestLoss));

        assertThat(policy.afterEpoch(1, 10, Map.of("loss", 1.0))).isTrue();
        assertThat(policy.afterEpoch(2, 20, Map.of("loss", 0.5))).isTrue();

        // the improvement member was asked although the epoch member had already said yes
        assertThat(bestLoss.state()).containsExactly(Map.entry("best.loss", 0.5));
        assertThat(policy.state()).containsExactly(Map.entry("best.loss", 0.5));
        assertThat(bestLoss.afterEpoch(3, 30, Map.of("loss", 0.7))).isFalse();
    }

    @Test
    void anyOfAsksEveryMemberAfterEachStep()
    {
        List<Long> seen = new ArrayList<>();
        SavePolicy recorder = new SavePolicy()
        {
            @Override
            public boolean afterStep(long step, Map<String, Double> metrics)
            {
                seen.add(step);
                return false;
            }
        };
        SavePolicy policy = SavePolicies.anyOf(List.of(SavePolicies.everySteps(1), recorder));

        stepsSaved(policy, 4);

        assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void anyOfRestoresEveryMember()
    {
        SavePolicy loss = SavePolicies.onImprovement("loss", MetricMode.MIN, 0);
        SavePolicy accuracy = SavePolicies.onImprovement("accuracy", MetricMode.MAX, 0);
        SavePolicy policy = SavePolicies.anyOf(List.of(loss, accuracy));

        policy.restore(Map.of("best.loss", 0.5, "best.accuracy", 0.9));

        assertThat(loss.state()).containsExactly(Map.entry("best.loss", 0.5));
        assertThat(accuracy.state()).containsExactly(Map.entry("best.accuracy", 0.9));
        assertThat(policy.afterEpoch(1, 10, Map.of("loss", 0.6, "accuracy", 0.8))).isFalse();
        assertThat(policy.afterEpoch(2, 20, Map.of("loss", 0.6, "accuracy", 0.95))).isTrue();
    }

    @Test
    void neverNeverSaves()
    {
        SavePolicy policy = SavePolicies.never();

        assertThat(stepsSaved(policy, 100)).isEmpty();
        assertThat(policy.afterEpoch(1, 100, Map.of("loss", 0.1))).isFalse();
    }

    @Test
    void stepIntervalBelowOneIsRejected()
    {
        assertThatThrownBy(() -> SavePolicies.everySteps(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1, got 0");
        assertThatThrownBy(() -> SavePolicies.everySteps(-5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -5");
    }

    @Test
    void epochIntervalBelowOneIsRejected()
    {
        assertThatThrownBy(() -> SavePolicies.everyEpochs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epochs must be at least 1, got 0");
        assertThatThrownBy(() -> SavePolicies.everyEpochs(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1");
    }

    @Test
    void zeroOrNegativeDurationIsRejected()
    {
        assertThatThrownBy(() -> SavePolicies.every(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive, got PT0S");
        assertThatThrownBy(() -> SavePolicies.every(Duration.ofSeconds(-1), () -> 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got PT-1S");
        assertThatThrownBy(() -> SavePolicies.every(null, () -> 0L))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("interval");
    }

    @Test
    void negativeOrNanMinDeltaIsRejected()
    {
        assertThatThrownBy(() -> SavePolicies.onImprovement("loss", MetricMode.MIN, -0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative, got -0.1");
        assertThatThrownBy(() -> SavePolicies.onImprovement("loss", MetricMode.MIN, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> SavePolicies.onImprovement(null, MetricMode.MIN, 0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("metric");
        assertThatThrownBy(() -> SavePolicies.onImprovement("loss", null, 0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("mode");
    }

    private static List<Long> stepsSaved(SavePolicy policy, long steps)
    {
        List<Long> saved = new ArrayList<>();
        for (long step = 1; step <= steps; step++) {
            if (policy.afterStep(step, NO_METRICS)) {
                saved.add(step);
            }
        }
        return saved;
    }

    private static List<Integer> savedEpochs(SavePolicy policy, String metric, double... values)
    {
        List<Integer> saved = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (policy.afterEpoch(i + 1, (i + 1) * 10L, Map.of(metric, values[i]))) {
                saved.add(i + 1);
            }
        }
        return saved;
    }
}
