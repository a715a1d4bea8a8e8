package io.cairn.trainer.json;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@code cairn bench --json} document and its parts: the contract documented in docs/benchmarks.md,
 * written in the order declared here, and read back by {@code bench --plot --from}.
 */
public final class BenchDocuments
{
    private BenchDocuments() {}

    /**
     * {@code cairn bench --json}: the flags it ran with, one row per case, and the headline figures, each the
     * median across the {@code repeat} counted rounds.
     *
     * @param stepsPerSecond by case key: {@code none}, {@code naive} (SavedModel exports), {@code sync} (FULL
     * {@code --sync}), {@code async} (FULL), {@code state}, {@code weights}, and {@code frozen90} (fine-tuning with
     * all layers but the last frozen) when the model has more than one layer
     * @param stallMillis the training-thread stall per save of {@code naive}, {@code sync} and {@code async}
     * @param persistMBps a FULL async save's logical bytes over its background time (write, hash, upload,
     * commit), in MB (10^6 bytes) per second; the median over the counted rounds' FULL async saves. They run
     * beside training, at a lower OS priority: this is how fast a save gets out while training keeps the CPU
     * @param persistMBpsSync the same for the FULL {@code --sync} saves, whose background work runs while
     * training waits: how fast the save path persists with the machine to itself
     * @param rawWriteMBps one object of a FULL save's size written through the store's own
     * {@code CheckpointStore.write} under {@code --store}, in MB per second; the median of one write per round
     * @param bytesWritten what the FULL async case's saves added to the store
     * @param frozen90 what the fine-tuning case's saves added, null when the model has a single layer
     * @param restoreMillis loading the last save back: Cairn FULL into a model in memory, and {@code SavedModelBundle.load}
     * @param backgroundCpuSecondsPerGB CPU seconds of the FULL async saves' background work per GB (10^9 bytes)
     * saved; the median across rounds
     * @param advice what the figures suggest, one sentence each
     */
    public record BenchReport(
            String model,
            String data,
            int epochs,
            int batch,
            long saveEverySteps,
            List<BenchCase> cases,
            int repeat,
            Map<String, Double> stepsPerSecond,
            Map<String, BenchStall> stallMillis,
            double persistMBps,
            double persistMBpsSync,
            double rawWriteMBps,
            BenchBytes bytesWritten,
            BenchFrozen frozen90,
            BenchRestore restoreMillis,
            double backgroundCpuSecondsPerGB,
            List<String> advice)
    {
        public BenchReport
        {
            cases = List.copyOf(cases);
            stepsPerSecond = JsonDocuments.ordered(stepsPerSecond);
            stallMillis = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(stallMillis, "stallMillis is null")));
            requireNonNull(bytesWritten, "bytesWritten is null");
            requireNonNull(restoreMillis, "restoreMillis is null");
            advice = List.copyOf(advice);
        }
    }

    /**
     * One case of the benchmark. The figures are medians across rounds; the {@code ...Spread} fields give
     * the median with the min and max across rounds.
     *
     * @param name the case, written as {@code case}
     * @param logicalBytes what the saves wrote, before deduplication
     * @param storedBytes what the store holds afterwards
     * @param loadMedianMillis the median time to load the last save back, 0 without saves
     * @param ratioToNoSaves this case's median steps per second over the no-save case's
     */
    public record BenchCase(
            @JsonProperty("case") String name,
            int saves,
            double trainSeconds,
            double stallMedianMillis,
            double stallP95Millis,
            long logicalBytes,
            long storedBytes,
            double loadMedianMillis,
            double stepsPerSecond,
            double ratioToNoSaves,
            Spread trainSecondsSpread,
            Spread stepsPerSecondSpread,
            Spread stallMedianMillisSpread,
            Spread loadMedianMillisSpread,
            Spread logicalBytesSpread) {}

    /**
     * A figure across the bench's rounds.
     */
    public record Spread(double median, double min, double max) {}

    public record BenchStall(double median, double p95) {}

    /**
     * @param firstSave the bytes the first save added to the store
     * @param laterSaveMedian the median bytes each later save added
     * @param variableBytes the logical size of one save
     */
    public record BenchBytes(long firstSave, long laterSaveMedian, long variableBytes) {}

    public record BenchRestore(double cairn, double tfLoad) {}

    /**
     * The fine-tuning case: a new run from the FULL async case's last checkpoint with every layer but the
     * last frozen, saving FULL.
     *
     * @param bytesPerSave the median bytes its later saves added to the store
     * @param variableBytes the logical size of one of its saves
     * @param frozenFraction the fraction of the model's weights that are frozen
     */
    public record BenchFrozen(long bytesPerSave, long variableBytes, double frozenFraction) {}
}
