package io.cairn.trainer;

import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.core.train.FitResult;
import io.cairn.trainer.json.BenchDocuments;

import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One round of one case of {@code cairn bench}, and the medians across rounds.
 *
 * @param committed the saves a Cairn case committed, in order; empty for the others
 */
record BenchSample(
        double trainSeconds,
        double stepsPerSecond,
        int saves,
        double stallMedianMillis,
        double stallP95Millis,
        long logicalBytes,
        long storedBytes,
        double loadMedianMillis,
        List<CommittedSave> committed)
{
    BenchSample
    {
        committed = List.copyOf(committed);
    }

    static BenchSample of(FitResult fit, List<Double> stalls, long logicalBytes, long storedBytes, List<Double> loadMillis, List<CommittedSave> committed)
    {
        double stepsPerSecond = fit.trainSeconds() > 0 ? fit.stepsRun() / fit.trainSeconds() : 0;
        return new BenchSample(fit.trainSeconds(), stepsPerSecond, stalls.size(), percentile(stalls, 0.5), percentile(stalls, 0.95),
                logicalBytes, storedBytes, percentile(loadMillis, 0.5), committed);
    }

    /**
     * The median (an even count takes the lower middle, as everywhere in the command line); 0 for none.
     */
    static double median(List<Double> values)
    {
        return percentile(values, 0.5);
    }

    static double percentile(List<Double> values, double fraction)
    {
        return TrainingRun.percentile(values, fraction);
    }

    static double median(List<BenchSample> rounds, ToDoubleFunction<BenchSample> figure)
    {
        return median(rounds.stream().map(figure::applyAsDouble).toList());
    }

    static BenchDocuments.Spread spread(List<BenchSample> rounds, ToDoubleFunction<BenchSample> figure)
    {
        DoubleSummaryStatistics statistics = rounds.stream().mapToDouble(figure).summaryStatistics();
        return new BenchDocuments.Spread(median(rounds, figure), statistics.getMin(), statistics.getMax());
    }
}
