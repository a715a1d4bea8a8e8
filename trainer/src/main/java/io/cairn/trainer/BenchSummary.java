package io.cairn.trainer;

import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.trainer.json.BenchDocuments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rounds of {@code cairn bench} into its report: one row per case and the headline figures,
 * each the median across the counted rounds; and prints the report as a table.
 */
final class BenchSummary
{
    private static final List<String> STALL_CASES = List.of("naive", "sync", "async");

    private BenchSummary() {}

    /**
     * @param flags the report's flags, its cases, figures and advice still empty
     * @param cases the cases in table order
     * @param samples each case's rounds, by case key
     * @param rawWriteMBps one plain store write per round
     * @param frozenFraction the share of weights the fine-tuning case freezes
     */
    static BenchDocuments.BenchReport report(BenchDocuments.BenchReport flags, List<BenchCases.Case> cases, Map<String, List<BenchSample>> samples, List<Double> rawWriteMBps,
            double frozenFraction)
    {
        double noSaves = BenchSample.median(samples.get("none"), BenchSample::stepsPerSecond);
        List<BenchDocuments.BenchCase> rows = new ArrayList<>();
        Map<String, Double> stepsPerSecond = new LinkedHashMap<>();
        Map<String, BenchDocuments.BenchCase> byKey = new LinkedHashMap<>();
        for (BenchCases.Case benchCase : cases) {
            List<BenchSample> rounds = samples.get(benchCase.key());
            if (rounds == null || rounds.isEmpty()) {
                continue;
            }
            double median = BenchSample.median(rounds, BenchSample::stepsPerSecond);
            stepsPerSecond.put(benchCase.key(), median);
            BenchDocuments.BenchCase row = new BenchDocuments.BenchCase(
                    benchCase.name(),
                    rounds.get(0).saves(),
                    BenchSample.median(rounds, BenchSample::trainSeconds),
                    BenchSample.median(rounds, BenchSample::stallMedianMillis),
                    BenchSample.median(rounds, BenchSample::stallP95Millis),
                    Math.round(BenchSample.median(rounds, BenchSample::logicalBytes)),
                    Math.round(BenchSample.median(rounds, BenchSample::storedBytes)),
                    BenchSample.median(rounds, BenchSample::loadMedianMillis),
                    median,
                    noSaves > 0 ? median / noSaves : 0,
                    BenchSample.spread(rounds, BenchSample::trainSeconds),
                    BenchSample.spread(rounds, BenchSample::stepsPerSecond),
                    BenchSample.spread(rounds, BenchSample::stallMedianMillis),
                    BenchSample.spread(rounds, BenchSample::loadMedianMillis),
                    BenchSample.spread(rounds, BenchSample::logicalBytes));
            rows.add(row);
            byKey.put(benchCase.key(), row);
        }
        Map<String, BenchDocuments.BenchStall> stallMillis = new LinkedHashMap<>();
        for (String key : STALL_CASES) {
            stallMillis.put(key, new BenchDocuments.BenchStall(byKey.get(key).stallMedianMillis(), byKey.get(key).stallP95Millis()));
        }
        List<BenchSample> async = samples.get("async");
        List<BenchSample> frozen = samples.getOrDefault(BenchCases.FROZEN, List.of());
        BenchDocuments.BenchFrozen frozen90 = frozen.isEmpty() ? null : new BenchDocuments.BenchFrozen(laterSaveMedian(frozen), variableBytes(frozen), frozenFraction);
        BenchDocuments.BenchRestore restore = new BenchDocuments.BenchRestore(byKey.get("async").loadMedianMillis(), byKey.get("naive").loadMedianMillis());
        BenchDocuments.BenchReport measured = new BenchDocuments.BenchReport(flags.model(), flags.data(), flags.epochs(), flags.batch(), flags.saveEverySteps(), rows,
                flags.repeat(), stepsPerSecond, stallMillis, persistMBps(async), persistMBps(samples.get("sync")), BenchSample.median(rawWriteMBps), bytesWritten(async), frozen90, restore,
                backgroundCpuSecondsPerGB(async), List.of());
        return withAdvice(measured, BenchAdvice.advise(measured));
    }

    static BenchDocuments.BenchReport withAdvice(BenchDocuments.BenchReport report, List<String> advice)
    {
        return new BenchDocuments.BenchReport(report.model(), report.data(), report.epochs(), report.batch(), report.saveEverySteps(), report.cases(), report.repeat(),
                report.stepsPerSecond(), report.stallMillis(), report.persistMBps(), report.persistMBpsSync(), report.rawWriteMBps(), report.bytesWritten(), report.frozen90(), report.restoreMillis(),
                report.backgroundCpuSecondsPerGB(), advice);
    }

    /**
     * Each of a case's saves' logical bytes over its background time, in MB/s; the median over every such
     * save of the counted rounds.
     */
    static double persistMBps(List<BenchSample> rounds)
    {
        List<Double> rates = new ArrayList<>();
        for (BenchSample sample : rounds) {
            for (CommittedSave save : sample.committed()) {
                double seconds = save.backgroundTime().toNanos() / 1e9;
                if (seconds > 0) {
                    rates.add(save.bytes() / 1e6 / seconds);
                }
            }
        }
        return BenchSample.median(rates);
    }

    /**
     * The background CPU seconds of a round's FULL async saves over their bytes in GB (10^9); the median
     * across rounds.
     */
    static double backgroundCpuSecondsPerGB(List<BenchSample> rounds)
    {
        List<Double> perRound = new ArrayList<>();
        for (BenchSample sample : rounds) {
            double cpuSeconds = sample.committed().stream().mapToDouble(save -> save.backgroundCpuTime().toNanos() / 1e9).sum();
            double gigabytes = sample.committed().stream().mapToLong(CommittedSave::bytes).sum() / 1e9;
            if (gigabytes > 0) {
                perRound.add(cpuSeconds / gigabytes);
            }
        }
        return BenchSample.median(perRound);
    }

    /**
     * What FULL saves wrote: the first save's new bytes, the median of the later saves' new bytes, and the
     * logical size of one save; each the median across rounds.
     */
    private static BenchDocuments.BenchBytes bytesWritten(List<BenchSample> rounds)
    {
        List<Double> first = new ArrayList<>();
        for (BenchSample sample : rounds) {
            if (!sample.committed().isEmpty()) {
                first.add((double) sample.committed().get(0).bytesAdded());
            }
        }
        return new BenchDocuments.BenchBytes(Math.round(BenchSample.median(first)), laterSaveMedian(rounds), variableBytes(rounds));
    }

    private static long laterSaveMedian(List<BenchSample> rounds)
    {
        List<Double> later = new ArrayList<>();
        for (BenchSample sample : rounds) {
            List<CommittedSave> saves = sample.committed();
            if (saves.size() > 1) {
                later.add(BenchSample.median(saves.subList(1, saves.size()).stream().map(save -> (double) save.bytesAdded()).toList()));
            }
        }
        return Math.round(BenchSample.median(later));
    }

    private static long variableBytes(List<BenchSample> rounds)
    {
        List<Double> sizes = new ArrayList<>();
        for (BenchSample sample : rounds) {
            if (!sample.committed().isEmpty()) {
                sizes.add((double) sample.committed().get(sample.committed().size() - 1).bytes());
            }
        }
        return Math.round(BenchSample.median(sizes));
    }

    /**
     * The table on stderr: one row per case, then the headline figures.
     */
    static void print(Console console, BenchDocuments.BenchReport report)
    {
        console.err().printf(Locale.ROOT, "%d rounds after 1 warm-up round; median (min-max) across rounds%n", report.repeat());
        console.err().printf(Locale.ROOT, "%-36s %8s %22s %24s %8s %24s %12s %14s %14s %24s%n", "CASE", "SAVES", "TRAIN s", "STEPS/s", "x NONE", "STALL med ms", "STALL p95 ms",
                "WRITTEN bytes", "STORED bytes", "LOAD med ms");
        for (BenchDocuments.BenchCase row : report.cases()) {
            console.err().printf(Locale.ROOT, "%-36s %8d %22s %24s %8.3f %24s %12.2f %14d %14d %24s%n", row.name(), row.saves(), format(row.trainSecondsSpread(), "%.3f"),
                    format(row.stepsPerSecondSpread(), "%.1f"), row.ratioToNoSaves(), format(row.stallMedianMillisSpread(), "%.2f"), row.stallP95Millis(),
                    row.logicalBytes(), row.storedBytes(), format(row.loadMedianMillisSpread(), "%.2f"));
        }
        BenchDocuments.BenchBytes bytes = report.bytesWritten();
        console.err().printf(Locale.ROOT, "FULL async save: %,d bytes; the first added %,d to the store, later ones %,d (median)%n", bytes.variableBytes(), bytes.firstSave(),
                bytes.laterSaveMedian());
        console.err().printf(Locale.ROOT, "FULL save persisted at %.1f MB/s in the background beside training, %.1f MB/s with --sync (its bytes over its background time); "
                + "the store's own write of as many bytes: %.1f MB/s; %.2f CPU s per GB saved%n", report.persistMBps(), report.persistMBpsSync(), report.rawWriteMBps(),
                report.backgroundCpuSecondsPerGB());
        BenchDocuments.BenchFrozen frozen = report.frozen90();
        if (frozen != null) {
            console.err().printf(Locale.ROOT, "Fine-tuning with all layers but the last frozen (%.1f %% of the weights): each later FULL save added %,d bytes of %,d%n",
                    100 * frozen.frozenFraction(), frozen.bytesPerSave(), frozen.variableBytes());
        }
        console.err().printf(Locale.ROOT, "Loading the last save: Cairn FULL %.2f ms, SavedModelBundle.load %.2f ms%n", report.restoreMillis().cairn(), report.restoreMillis().tfLoad());
    }

    private static String format(BenchDocuments.Spread spread, String number)
    {
        return String.format(Locale.ROOT, number + " (" + number + "-" + number + ")", spread.median(), spread.min(), spread.max());
    }
}
