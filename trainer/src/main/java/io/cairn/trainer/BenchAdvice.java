package io.cairn.trainer;

import io.cairn.trainer.json.BenchDocuments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code cairn bench}'s own figures suggest: which kind of save, and how often. Whether FULL, STATE
 * or WEIGHTS fits "depends on the model, the resources and the pipeline"; the bench measured them for
 * this model on this machine and store, so it can say what each costs here.
 *
 * <p>A cadence is affordable when it slows training by at most {@value #AFFORDABLE_PERCENT} %. FULL (a
 * servable SavedModel that also resumes exactly) is advised when it is affordable; else STATE (exact
 * resume) with FULL less often; else STATE less often, at the interval that brings its cost down to the
 * affordable share (or FULL, when it measured no dearer than STATE). WEIGHTS cannot resume a run exactly (no optimizer state), so it is only mentioned.
 */
final class BenchAdvice
{
    static final double AFFORDABLE_PERCENT = 5;

    private BenchAdvice() {}

    static List<String> advise(BenchDocuments.BenchReport report)
    {
        Map<String, Double> stepsPerSecond = report.stepsPerSecond();
        double none = stepsPerSecond.getOrDefault("none", 0.0);
        if (none <= 0) {
            return List.of("No advice: the run without saves measured no steps.");
        }
        long every = report.saveEverySteps();
        double stepMillis = 1000 / none;
        double full = costPercent(stepsPerSecond, "async", none);
        double state = costPercent(stepsPerSecond, "state", none);
        double weights = costPercent(stepsPerSecond, "weights", none);
        double loadMillis = report.restoreMillis().cairn();
        List<String> advice = new ArrayList<>();
        if (full <= AFFORDABLE_PERCENT) {
            advice.add(String.format(Locale.ROOT, "Save FULL every %d steps: it costs %s here (STATE %s, WEIGHTS %s); every checkpoint is a SavedModel that also resumes exactly, "
                    + "a crash loses at most %s, and loading takes %s.", every, percent(full), percent(state), percent(weights), lost(every, stepMillis), millis(loadMillis)));
        }
        else if (state <= AFFORDABLE_PERCENT) {
            long fullEvery = every * (long) Math.ceil(full / AFFORDABLE_PERCENT);
            advice.add(String.format(Locale.ROOT, "Save STATE every %d steps: it costs %s here where FULL costs %s; a crash loses at most %s, and loading takes %s. "
                    + "Save FULL (a SavedModel) every %d steps or so, where it should cost about %s.", every, percent(state), percent(full), lost(every, stepMillis),
                    millis(loadMillis), fullEvery, percent(full * every / fullEvery)));
        }
        else {
            // FULL does all STATE does and more: when it measured no dearer (noise), it is the one to save less often
            String kind = full <= state ? "FULL" : "STATE";
            double cost = Math.min(full, state);
            long kindEvery = every * (long) Math.ceil(cost / AFFORDABLE_PERCENT);
            advice.add(String.format(Locale.ROOT, "Saving every %d steps costs %s with FULL and %s with STATE here: save %s every %d steps instead, where it should cost "
                    + "about %s; a crash then loses at most %s, and loading takes %s.", every, percent(full), percent(state), kind, kindEvery,
                    percent(cost * every / kindEvery), lost(kindEvery, stepMillis), millis(loadMillis)));
        }
        if (weights + 1 < Math.min(full, state)) {
            advice.add(String.format(Locale.ROOT, "WEIGHTS costs %s, but a run cannot resume exactly from it (no optimizer state): keep it for exports and evaluation.",
                    percent(weights)));
        }
        BenchDocuments.BenchStall async = report.stallMillis().get("async");
        BenchDocuments.BenchStall sync = report.stallMillis().get("sync");
        BenchDocuments.BenchStall naive = report.stallMillis().get("naive");
        if (async != null && sync != null && naive != null) {
            advice.add(String.format(Locale.ROOT, "An async save stalls training %s per save, a --sync save %s, a SavedModel export on the training thread %s.",
                    millis(async.median()), millis(sync.median()), millis(naive.median())));
        }
        if (report.persistMBps() > 0 && report.rawWriteMBps() > 0) {
            double alone = report.persistMBpsSync() / report.rawWriteMBps();
            advice.add(String.format(Locale.ROOT, "A FULL save persists at %s beside training (at a lower priority, so training keeps the CPU) and at %s with the machine to itself "
                    + "(--sync), %.0f %% of the store's own write of as many bytes (%s): %s. It uses %.1f CPU s per GB.", rate(report.persistMBps()),
                    rate(report.persistMBpsSync()), 100 * alone, rate(report.rawWriteMBps()),
                    alone < 0.5 ? "per-save work (one durable write per chunk, the manifest, retention) sets its pace more than the store's bandwidth does"
                            : "the store's bandwidth sets its pace",
                    report.backgroundCpuSecondsPerGB()));
        }
        BenchDocuments.BenchFrozen frozen = report.frozen90();
        if (frozen != null && frozen.variableBytes() > 0) {
            advice.add(String.format(Locale.ROOT, "Fine-tuning with %.0f %% of the weights frozen, a FULL save adds %s of its %s: frozen layers are stored once.",
                    100 * frozen.frozenFraction(), bytes(frozen.bytesPerSave()), bytes(frozen.variableBytes())));
        }
        return List.copyOf(advice);
    }

    /**
     * How much slower training ran with the case's saves than without, in percent; 0 when it ran as fast.
     */
    static double costPercent(Map<String, Double> stepsPerSecond, String key, double none)
    {
        Double withSaves = stepsPerSecond.get(key);
        if (withSaves == null || withSaves <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.max(0, 100 * (1 - withSaves / none));
    }

    private static String percent(double value)
    {
        if (Double.isInfinite(value)) {
            return "an unknown share";
        }
        if (value < 0.5) {
            return "nothing measurable";
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %%" : "%.0f %%", value);
    }

    private static String lost(long steps, double stepMillis)
    {
        return String.format(Locale.ROOT, "%d steps = %s of work", steps, seconds(steps * stepMillis / 1000));
    }

    private static String seconds(double seconds)
    {
        return String.format(Locale.ROOT, seconds < 10 ? "%.2f s" : "%.0f s", seconds);
    }

    private static String millis(double millis)
    {
        return String.format(Locale.ROOT, millis < 10 ? "%.1f ms" : "%.0f ms", millis);
    }

    private static String rate(double megabytesPerSecond)
    {
        return String.format(Locale.ROOT, megabytesPerSecond < 10 ? "%.2f MB/s" : "%.0f MB/s", megabytesPerSecond);
    }

    private static String bytes(long bytes)
    {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6) : String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
    }
}
