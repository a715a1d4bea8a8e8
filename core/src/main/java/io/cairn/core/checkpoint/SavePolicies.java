package io.cairn.core.checkpoint;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The save policies: every N steps, every duration, every N epochs, on improvement of a metric, within
 * an overhead budget, and any-of composition.
 */
public final class SavePolicies
{
    private SavePolicies() {}

    public static SavePolicy never()
    {
        return new SavePolicy() {};
    }

    public static SavePolicy everySteps(long steps)
    {
        if (steps <= 0) {
            throw new IllegalArgumentException("Save interval in steps must be at least 1, got " + steps);
        }
        return new SavePolicy()
        {
            @Override
            public boolean afterStep(long step, Map<String, Double> metrics)
            {
                return step % steps == 0;
            }
        };
    }

    public static SavePolicy everyEpochs(int epochs)
    {
        if (epochs <= 0) {
            throw new IllegalArgumentException("Save interval in epochs must be at least 1, got " + epochs);
        }
        return new SavePolicy()
        {
            @Override
            public boolean afterEpoch(int epochsDone, long step, Map<String, Double> metrics)
            {
                return epochsDone % epochs == 0;
            }
        };
    }

    /**
     * Saves after the first step at least {@code interval} after the previous save by this policy (or
     * after the policy was created). Wall-clock time is not replayed on resume.
     */
    public static SavePolicy every(Duration interval, Clock clock)
    {
        requireNonNull(clock, "clock is null");
        return every(interval, () -> clock.millis() * 1_000_000L);
    }

    static SavePolicy every(Duration interval, LongSupplier nanos)
    {
        requireNonNull(interval, "interval is null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("Save interval must be positive, got " + interval);
        }
        long intervalNanos = interval.toNanos();
        return new SavePolicy()
        {
            private long last = nanos.getAsLong();

            @Override
            public boolean afterStep(long step, Map<String, Double> metrics)
            {
                long now = nanos.getAsLong();
                if (now - last >= intervalNanos) {
                    last = now;
                    return true;
                }
                return false;
            }
        };
    }

    public static SavePolicy every(Duration interval)
    {
        return every(interval, System::nanoTime);
    }

    /**
     * Saves at an epoch end when the epoch's {@code metric} beats the best so far by more than
     * {@code minDelta} (Keras' {@code save_best_only}). The first epoch always saves.
     */
    public static SavePolicy onImprovement(String metric, MetricMode mode, double minDelta)
    {
        requireNonNull(metric, "metric is null");
        requireNonNull(mode, "mode is null");
        if (minDelta < 0 || Double.isNaN(minDelta)) {
            throw new IllegalArgumentException("Min delta must not be negative, got " + minDelta);
        }
        String key = "best." + metric;
        return new SavePolicy()
        {
            private Double best;

            @Override
            public boolean afterEpoch(int epochsDone, long step, Map<String, Double> metrics)
            {
                Double value = metrics.get(metric);
                if (value == null) {
                    throw new IllegalArgumentException("Cannot save on the best '" + metric + "': training reports only " + metrics.keySet());
                }
                if (value.isNaN() || (best != null && !mode.better(value, best, minDelta))) {
                    return false;
                }
                best = value;
                return true;
            }

            @Override
            public Map<String, Double> state()
            {
                return best == null ? Map.of() : Map.of(key, best);
            }

            @Override
            public void restore(Map<String, Double> state)
            {
                best = state.get(key);
            }
        };
    }

    /**
     * Saves as often as it can while the measured cost of saving (the stall plus the slowdown of the
     * steps that run beside a background save) stays within {@code budget} of training time, e.g.
     * {@code 0.05}; see {@link SaveBudget}. It adapts as step time and save cost change, and its
     * accessors tell the cadence it chose. Wall-clock time is not replayed on resume.
     *
     * @throws IllegalArgumentException naming the budget unless it is more than 0 and less than 1
     */
    public static SaveBudget budget(double budget)
    {
        return new SaveBudget(budget, System::nanoTime);
    }

    static SaveBudget budget(double budget, LongSupplier nanos)
    {
        return new SaveBudget(budget, nanos);
    }

    /**
     * Saves when any policy says so. Every policy is asked every time, so each keeps its bookkeeping.
     */
    public static SavePolicy anyOf(List<SavePolicy> policies)
    {
        List<SavePolicy> all = List.copyOf(policies);
        if (all.size() == 1) {
            return all.get(0);
        }
        return new AnyOf(all);
    }

    record AnyOf(List<SavePolicy> policies)
            implements SavePolicy
    {
        @Override
        public boolean afterStep(long step, Map<String, Double> metrics)
        {
            boolean[] said = new boolean[policies.size()];
            for (int i = 0; i < said.length; i++) {
                said[i] = policies.get(i).afterStep(step, metrics);
            }
            return tellBudgets(step, said);
        }

        @Override
        public boolean afterEpoch(int epochsDone, long step, Map<String, Double> metrics)
        {
            boolean[] said = new boolean[policies.size()];
            for (int i = 0; i < said.length; i++) {
                said[i] = policies.get(i).afterEpoch(epochsDone, step, metrics);
            }
            return tellBudgets(step, said);
        }

        /**
         * A budget pays for every save, so it hears of those the other policies asked for.
         */
        private boolean tellBudgets(long step, boolean[] said)
        {
            boolean save = false;
            for (boolean yes : said) {
                save |= yes;
            }
            for (int i = 0; save && i < said.length; i++) {
                if (!said[i] && policies.get(i) instanceof SaveBudget budget) {
                    budget.savedByOther(step);
                }
            }
            return save;
        }

        @Override
        public Map<String, Double> state()
        {
            Map<String, Double> state = new HashMap<>();
            policies.forEach(policy -> state.putAll(policy.state()));
            return state;
        }

        @Override
        public void restore(Map<String, Double> state)
        {
            policies.forEach(policy -> policy.restore(state));
        }
    }
}
