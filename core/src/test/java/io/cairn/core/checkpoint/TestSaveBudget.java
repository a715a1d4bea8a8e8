package io.cairn.core.checkpoint;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TestSaveBudget
{
    private static final long MILLIS = 1_000_000;

    @Test
    void firstSaveComesAfterTheWarmUp()
    {
        Loop loop = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);

        loop.run(budget, SaveBudget.WARMUP_STEPS + 1);

        // the first step only starts the clock; the next WARMUP_STEPS are timed
        assertThat(loop.saved).containsExactly(SaveBudget.WARMUP_STEPS + 1L);
        assertThat(budget.intervals()).containsExactly(SaveBudget.WARMUP_STEPS + 1L);
        assertThat(budget.stepMillis()).isCloseTo(10, within(0.01));
    }

    @Test
    void savesAsOftenAsTheBudgetAllowsAndNoMore()
    {
        // a save costs 20 ms of stall + 20 steps slowed by 5 ms = 120 ms; 5% of 10 ms steps allows
        // one every 0.12 * 0.95 / (0.05 * 0.01) = 228 steps
        Loop loop = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);

        loop.run(budget, 10_000);

        assertThat(budget.nextInterval()).isBetween(220L, 236L);
        assertThat(lastIntervals(budget, 10)).allSatisfy(interval -> assertThat(interval).isBetween(220L, 240L));
        assertThat(loop.costFraction()).isBetween(0.045, 0.05);
        assertThat(budget.measuredCost()).isCloseTo(loop.costFraction(), within(0.003));
        assertThat(budget.saves()).isEqualTo(loop.saved.size());
        assertThat(budget.intervals().stream().mapToLong(Long::longValue).sum()).isEqualTo(loop.saved.get(loop.saved.size() - 1));
    }

    @Test
    void intervalGrowsWhenSavesGetCostlierAndShrinksWhenCheaper()
    {
        Loop loop = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);
        loop.run(budget, 5_000);
        long cheap = budget.nextInterval();

        loop.slowdown = 20 * MILLIS;   // 420 ms a save
        loop.run(budget, 20_000);
        long costly = budget.nextInterval();

        loop.slowdown = 5 * MILLIS;
        loop.run(budget, 10_000);
        long cheapAgain = budget.nextInterval();

        assertThat(costly).isCloseTo(cheap * 420 / 120, within(cheap / 5));
        assertThat(cheapAgain).isCloseTo(cheap, within(cheap / 10));
        assertThat(loop.costFraction()).isLessThanOrEqualTo(0.05);
    }

    @Test
    void intervalFollowsTheStepTime()
    {
        Loop loop = new Loop(10 * MILLIS, 120 * MILLIS, 0, 0);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);
        loop.run(budget, 5_000);
        long fast = budget.nextInterval();

        loop.stepNanos = 20 * MILLIS;
        loop.run(budget, 5_000);

        assertThat(budget.nextInterval()).isCloseTo(fast / 2, within(fast / 10));
        assertThat(budget.stepMillis()).isCloseTo(20, within(0.01));
        assertThat(loop.costFraction()).isLessThanOrEqualTo(0.05);
    }

    @Test
    void settlesWithinBudgetWithNoisyStepsWhenASaveOutlastsTheFirstCycles()
    {
        // a save costs 50 ms of stall + 150 steps slowed by 3 ms = 500 ms: one every 950 steps; its
        // slowdown outlasts the first cycles that measure it, which save too often until the queue of
        // saves stalls training and the measured cost catches up
        Loop loop = new Loop(10 * MILLIS, 50 * MILLIS, 3 * MILLIS, 150);
        loop.jitter = new Random(7);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);

        loop.run(budget, 20_000);
        assertThat(loop.costFraction()).isLessThan(0.07);
        loop.resetCost();
        loop.run(budget, 50_000);

        assertThat(loop.costFraction()).isBetween(0.04, 0.05);
        assertThat(lastIntervals(budget, 10)).allSatisfy(interval -> assertThat(interval).isBetween(850L, 1100L));
    }

    @Test
    void trainingsOwnSlowStepsAreNotChargedToSaves()
    {
        // every 32nd step takes 30 ms more (an epoch's end): 10.94 ms a step on average, so a save
        // costing 120 ms is allowed every 0.12 * 0.95 / (0.05 * 0.01094) = 208 steps
        Loop loop = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        loop.epochEnd = 30 * MILLIS;
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);

        loop.run(budget, 20_000);

        // a cycle's measured cost varies with how many slow steps fall in each half: its average does not
        assertThat(lastIntervals(budget, 40).stream().mapToLong(Long::longValue).average().orElseThrow()).isBetween(190.0, 270.0);
        assertThat(loop.costFraction()).isBetween(0.04, 0.05);
        assertThat(budget.measuredCost()).isCloseTo(loop.costFraction(), within(0.005));
    }

    @Test
    void composesWithEveryStepsAndPaysForItsSaves()
    {
        Loop alone = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        SaveBudget single = SavePolicies.budget(0.05, alone.clock::get);
        alone.run(single, 20_000);

        Loop loop = new Loop(10 * MILLIS, 20 * MILLIS, 5 * MILLIS, 20);
        SaveBudget budget = SavePolicies.budget(0.05, loop.clock::get);
        SavePolicy policy = SavePolicies.anyOf(List.of(SavePolicies.everySteps(1_000), budget));
        loop.run(policy, 20_000);

        assertThat(loop.saved).contains(1_000L, 5_000L, 20_000L);
        assertThat(SaveBudget.in(policy)).containsSame(budget);
        // the every-1000-steps saves cost 12 s of the budget's 10 s... per 200 s: it saves less often
        assertThat(budget.saves()).isLessThan(single.saves());
        assertThat(loop.costFraction()).isLessThanOrEqualTo(0.05);
    }

    @Test
    void budgetParsesAsPercentOrFraction()
    {
        assertThat(SaveBudget.parse("5%")).isCloseTo(0.05, within(1e-12));
        assertThat(SaveBudget.parse(" 2.5 % ")).isCloseTo(0.025, within(1e-12));
        assertThat(SaveBudget.parse("0.05")).isCloseTo(0.05, within(1e-12));
        for (String bad : List.of("0", "0%", "150%", "100%", "1", "-5%", "abc", "", "%", "NaN", "Infinity")) {
            assertThatThrownBy(() -> SaveBudget.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("budget")
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void budgetOutsideZeroToOneIsRejected()
    {
        for (double bad : new double[] {0, -0.05, 1, 1.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> SavePolicies.budget(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("budget");
        }
    }

    @Test
    void isFoundOnlyWhereItIs()
    {
        SaveBudget budget = SavePolicies.budget(0.1);

        assertThat(SaveBudget.in(budget)).containsSame(budget);
        assertThat(SaveBudget.in(SavePolicies.everySteps(5))).isEmpty();
        assertThat(SaveBudget.in(SavePolicies.anyOf(List.of(SavePolicies.everySteps(5), SavePolicies.everyEpochs(1))))).isEmpty();
        assertThat(budget.budget()).isEqualTo(0.1);
        assertThat(budget.saves()).isZero();
        assertThat(budget.measuredCost()).isZero();
    }

    private static List<Long> lastIntervals(SaveBudget budget, int count)
    {
        List<Long> intervals = budget.intervals();
        return intervals.subList(intervals.size() - count, intervals.size());
    }

    /**
     * A training loop on a fake clock: each step takes {@code stepNanos}; a save stalls the next step
     * by {@code stall} and slows the {@code slowSteps} steps after it by {@code slowdown} each, as a
     * background write beside training does; saves made while one runs queue behind it, at most
     * {@code MAX_IN_FLIGHT}, as {@code CheckpointerOptions.maxInFlight} bounds them. It knows the true cost the policy has to measure.
     */
    private static final class Loop
    {
        static final int MAX_IN_FLIGHT = 4;

        final AtomicLong clock = new AtomicLong(123_456_789);
        final List<Long> saved = new ArrayList<>();
        long stepNanos;
        long epochEnd;
        long stall;
        long slowdown;
        int slowSteps;
        Random jitter;

        private long step;
        private boolean stallNext;
        private long wait;
        private int slowLeft;
        private long training;
        private long cost;

        Loop(long stepNanos, long stall, long slowdown, int slowSteps)
        {
            this.stepNanos = stepNanos;
            this.stall = stall;
            this.slowdown = slowdown;
            this.slowSteps = slowSteps;
        }

        void run(SavePolicy policy, long steps)
        {
            for (long i = 0; i < steps; i++) {
                step++;
                long took = jitter == null ? stepNanos : (long) (stepNanos * (0.95 + 0.1 * jitter.nextDouble()));
                took += step % 32 == 0 ? epochEnd : 0;
                training += took;
                if (stallNext) {
                    took += stall + wait;
                    cost += stall + wait;
                    stallNext = false;
                    wait = 0;
                }
                if (slowLeft > 0) {
                    took += slowdown;
                    cost += slowdown;
                    slowLeft--;
                }
                clock.addAndGet(took);
                if (policy.afterStep(step, Map.of())) {
                    saved.add(step);
                    stallNext = true;
                    // saves queue on one background thread: a save made while one runs adds its work,
                    // and one beyond the in-flight bound waits for the oldest to finish
                    long beyond = slowLeft - (MAX_IN_FLIGHT - 1L) * slowSteps;
                    if (beyond > 0) {
                        wait = beyond * stepNanos;
                        slowLeft -= beyond;
                    }
                    slowLeft += slowSteps;
                }
            }
        }

        void resetCost()
        {
            training = 0;
            cost = 0;
        }

        double costFraction()
        {
            return (double) cost / (training + cost);
        }
    }
}
