package io.cairn.core.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Saves as often as it can while what saving costs training stays within a fraction of training time
 * ({@link SavePolicies#budget(double)}). Made for saves that run in the background: their cost is not
 * only the stall of the snapshot but also the slowdown of the steps that run beside the background
 * write, which on a busy machine can be most of it.
 *
 * <p>It measures the training loop itself: the time between two calls of {@link #afterStep} is one
 * step, including any stall of a save and any slowdown while a save runs. A <em>cycle</em> runs from
 * one of its saves to the next; its cost is its wall time minus its steps times its undisturbed step
 * time: the mean step of the cycle's second half, when the save that opened it is long done. A mean,
 * not a median, because training's own slow steps (an epoch's end, the machine's other work) are not
 * the save's doing; so a cycle's measured cost is noisy, and averaged over cycles. Saves by other
 * policies ({@link SavePolicies#anyOf}) are measured and paid for like its own: each starts a new cycle.
 *
 * <p>The budget is kept like an account: every cycle earns {@code budget × its wall time} and pays
 * its measured cost. A save is made once the account holds what the next save is expected to cost
 * (an exponential average of the measured costs), and never banks more than one save's worth, so a
 * cheaper save does not cause a burst. In steady state a save costing {@code c} is made every
 * {@code c × (1 - budget) / (budget × step time)} steps, and at least every {@value #MIN_INTERVAL}
 * steps, so that each cycle has steps after its save to measure. The first save comes after a short warm-up
 * ({@value #WARMUP_STEPS} steps) that learns the step time; its cost is paid from what later cycles
 * earn, so a run shorter than {@code first save's cost / budget} spends more than the budget.
 *
 * <p>Wall-clock decisions are not replayed on resume: a resumed run learns again from its warm-up,
 * as {@link SavePolicies#every(java.time.Duration)} starts its clock again. Not meant to be shared by
 * two training loops; its accessors may be read from any thread.
 */
public final class SaveBudget
        implements SavePolicy
{
    static final int WARMUP_STEPS = 20;
    // so that every cycle has steps after its save to measure the save against
    static final int MIN_INTERVAL = 4;

    private static final double COST_SMOOTHING = 0.3;
    // a cycle's undisturbed step time may be at most this much above the previous cycle's, so a save
    // still running through a short cycle's second half does not pass for the new normal; until the
    // cycle is this many times as long as planned, when a slower step time has to be the new normal
    private static final double MAX_BASELINE_RISE = 1.10;
    private static final int TRUST_RISE_AFTER = 8;

    private final double budget;
    private final LongSupplier nanos;

    private long last = Long.MIN_VALUE;
    private long cycleStart;
    private long cycleStartStep;
    private long[] stepNanos = new long[64];
    private int steps;
    private boolean warmedUp;
    private long checkAt = WARMUP_STEPS;
    private long planned = WARMUP_STEPS;

    private double balance;
    private double costEstimate = Double.NaN;
    private double baseline = Double.NaN;
    private double reference = Double.NaN;
    private double spent;
    private double elapsed;
    private final List<Long> intervals = new ArrayList<>();

    SaveBudget(double budget, LongSupplier nanos)
    {
        this.budget = checkBudget(budget);
        this.nanos = requireNonNull(nanos, "nanos is null");
    }

    /**
     * Parses a budget as people write it: {@code 5%} or {@code 0.05}.
     *
     * @throws IllegalArgumentException naming the budget if the text is not a fraction between 0 and 1
     */
    public static double parse(String text)
    {
        requireNonNull(text, "text is null");
        String trimmed = text.trim();
        boolean percent = trimmed.endsWith("%");
        double value;
        try {
            value = Double.parseDouble(percent ? trimmed.substring(0, trimmed.length() - 1).trim() : trimmed);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("Save budget must be a percentage such as 5% or a fraction such as 0.05, got '" + text + "'", e);
        }
        if (Double.isInfinite(value) || Double.isNaN(value)) {
            throw new IllegalArgumentException("Save budget must be a percentage such as 5% or a fraction such as 0.05, got '" + text + "'");
        }
        return checkBudget(percent ? value / 100 : value, text);
    }

    /**
     * The budget policy a policy is, or holds among the policies of an {@link SavePolicies#anyOf}.
     */
    public static Optional<SaveBudget> in(SavePolicy policy)
    {
        if (policy instanceof SaveBudget budget) {
            return Optional.of(budget);
        }
        if (policy instanceof SavePolicies.AnyOf any) {
            return any.policies().stream().flatMap(member -> in(member).stream()).findFirst();
        }
        return Optional.empty();
    }

    static double checkBudget(double budget)
    {
        return checkBudget(budget, String.valueOf(budget));
    }

    private static double checkBudget(double budget, String given)
    {
        if (!(budget > 0 && budget < 1)) {
            throw new IllegalArgumentException("Save budget must be more than 0% and less than 100% of training time, got " + given);
        }
        return budget;
    }

    @Override
    public synchronized boolean afterStep(long step, Map<String, Double> metrics)
    {
        long now = nanos.getAsLong();
        if (last == Long.MIN_VALUE) {
            // the first step's time is not seen (and would hold TensorFlow's own warm-up)
            last = now;
            cycleStart = now;
            cycleStartStep = step - 1;
            return false;
        }
        record(now - last);
        last = now;
        if (steps < checkAt) {
            return false;
        }
        return check(step, now);
    }

    private boolean check(long step, long now)
    {
        double cycleTime = now - cycleStart;
        double base = baseline();
        baseline = base;
        if (!warmedUp) {
            // the warm-up cycle held no save: it only earns
            warmedUp = true;
            balance = budget * cycleTime;
            close(step, now, cycleTime, 0, true);
            checkAt = WARMUP_STEPS;
            planned = checkAt;
            return true;
        }
        // below zero when the second half was the slower one: noise, kept so the average is not biased
        double cost = cycleTime - steps * base;
        double expected = Math.max(0, smoothed(cost));
        double account = balance + budget * cycleTime - cost;
        if (account < expected) {
            long needed = (long) Math.ceil((expected - account) / (budget * base));
            // at least a sixteenth more (few checks), at most double (a capped baseline can overstate the cost)
            checkAt = steps + Math.min(Math.max(needed, 1 + steps / 16), steps);
            return false;
        }
        settle(step, now, cycleTime, cost, true);
        return true;
    }

    /**
     * Another policy of an {@link SavePolicies#anyOf} saved after {@code step}: the cycle so far is
     * measured and paid for as if this policy had saved, and the next cycle starts at that save, so
     * its cost is measured against the steps after it. The save is not counted as this policy's.
     */
    synchronized void savedByOther(long step)
    {
        if (!warmedUp || steps == 0) {
            return;
        }
        double cycleTime = last - cycleStart;
        // too few steps to tell a save from the steps after it: the previous cycle's step time
        double base = steps >= 2 * MIN_INTERVAL ? baseline() : reference;
        baseline = base;
        settle(step, last, cycleTime, cycleTime - steps * base, false);
    }

    private void settle(long step, long now, double cycleTime, double cost, boolean own)
    {
        double estimate = smoothed(cost);
        double expected = Math.max(0, estimate);
        costEstimate = estimate;
        balance = Math.min(balance + budget * cycleTime - cost, expected);
        close(step, now, cycleTime, cost, own);
        // the next cycle pays for the save made now and must leave the account holding one more
        checkAt = Math.max(MIN_INTERVAL, (long) Math.ceil((expected * (2 - budget) - balance) / (budget * baseline)));
        planned = checkAt;
    }

    private double smoothed(double cost)
    {
        return Double.isNaN(costEstimate) ? cost : COST_SMOOTHING * cost + (1 - COST_SMOOTHING) * costEstimate;
    }

    private void close(long step, long now, double cycleTime, double cost, boolean own)
    {
        reference = baseline;
        spent += cost;
        elapsed += cycleTime;
        if (own) {
            intervals.add(step - cycleStartStep);
        }
        cycleStart = now;
        cycleStartStep = step;
        steps = 0;
    }

    /**
     * The cycle's undisturbed step time: the mean of its second half, at most
     * {@link #MAX_BASELINE_RISE} times the previous cycle's while the cycle is not much longer than planned.
     */
    private double baseline()
    {
        long sum = 0;
        for (int i = steps / 2; i < steps; i++) {
            sum += stepNanos[i];
        }
        double mean = (double) sum / (steps - steps / 2);
        boolean capped = !Double.isNaN(reference) && steps < TRUST_RISE_AFTER * planned;
        return capped ? Math.min(mean, reference * MAX_BASELINE_RISE) : mean;
    }

    private void record(long took)
    {
        if (steps == stepNanos.length) {
            stepNanos = Arrays.copyOf(stepNanos, steps * 2);
        }
        stepNanos[steps++] = took;
    }

    /**
     * The fraction of training time saving may cost, as given.
     */
    public double budget()
    {
        return budget;
    }

    /**
     * The saves this policy asked for.
     */
    public synchronized int saves()
    {
        return intervals.size();
    }

    /**
     * The steps before each save this policy asked for, since the save before it, by this policy or
     * another of an {@link SavePolicies#anyOf} (the first counts from where training started).
     */
    public synchronized List<Long> intervals()
    {
        return List.copyOf(intervals);
    }

    /**
     * The steps after its last save at which this policy will next weigh a save: the interval it has
     * chosen for now. It saves then if the measured costs allow, else later.
     */
    public synchronized long nextInterval()
    {
        return checkAt;
    }

    /**
     * The measured cost of saving, as a fraction of the training time seen so far: the closed cycles,
     * and the open one (whose save may still be running, so not yet wholly measured).
     */
    public synchronized double measuredCost()
    {
        double cost = spent;
        double time = elapsed;
        if (steps > 0 && last != Long.MIN_VALUE) {
            double open = last - cycleStart;
            time += open;
            if (warmedUp) {
                cost += open - steps * baseline();
            }
        }
        return time > 0 ? Math.max(0, cost / time) : 0;
    }

    /**
     * The undisturbed step time measured at the last check, in milliseconds; 0 before the first.
     */
    public synchronized double stepMillis()
    {
        return Double.isNaN(baseline) ? 0 : baseline / 1e6;
    }

    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "SaveBudget[%.4g]", budget);
    }
}
