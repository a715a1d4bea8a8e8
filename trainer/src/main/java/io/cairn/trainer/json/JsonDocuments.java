package io.cairn.trainer.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.train.TrainerState;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@code --json} documents of the command line, one record each: the contract documented in docs/architecture.md
 * ("JSON shapes") that scripts and tests parse. Every field is written in the order declared here.
 * They are built from core's types field by field, so a change inside core cannot change them.
 */
public final class JsonDocuments
{
    private JsonDocuments() {}

    /**
     * {@code cairn train --json}, on stdout when training ends.
     *
     * @param run the run trained, null with {@code --no-save}, which starts none
     * @param resumedFrom the step resumed from, null for a new run
     * @param initFrom the checkpoint ({@code run@step}) whose weights the run started from, null if none
     * @param steps the global step training ended at
     * @param trainSeconds the wall time of the training loop alone
     * @param saveStallMillis how long the training thread was blocked per save
     * @param snapshotMillis the part of each stall that was the memory copy itself
     * @param saved the steps this process committed
     * @param bytesAdded for each of them, its logical bytes and the new bytes it put in the store
     * @param retained the run's steps retention kept
     * @param saveBudget the cadence {@code --save-budget} chose; left out without it
     */
    public record TrainSummary(
            String run,
            Long resumedFrom,
            String initFrom,
            long steps,
            double trainSeconds,
            double stepsPerSecond,
            Stalls saveStallMillis,
            Timings snapshotMillis,
            List<Long> saved,
            List<SaveBytes> bytesAdded,
            List<Long> retained,
            Map<String, Double> metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) SaveBudgetCadence saveBudget,
            int failedSaves,
            @JsonInclude(JsonInclude.Include.NON_NULL) Preempted preempted)
    {
        public TrainSummary
        {
            requireNonNull(saveStallMillis, "saveStallMillis is null");
            requireNonNull(snapshotMillis, "snapshotMillis is null");
            saved = List.copyOf(saved);
            bytesAdded = List.copyOf(bytesAdded);
            retained = List.copyOf(retained);
            metrics = ordered(metrics);
        }

        /**
         * A summary of a run without {@code --save-budget}.
         */
        public TrainSummary(String run, Long resumedFrom, String initFrom, long steps, double trainSeconds, double stepsPerSecond, Stalls saveStallMillis,
                Timings snapshotMillis, List<Long> saved, List<SaveBytes> bytesAdded, List<Long> retained, Map<String, Double> metrics)
        {
            this(run, resumedFrom, initFrom, steps, trainSeconds, stepsPerSecond, saveStallMillis, snapshotMillis, saved, bytesAdded, retained, metrics, null, 0, null);
        }

        /**
         * A summary of a run that was not preempted and had no failed save.
         */
        public TrainSummary(String run, Long resumedFrom, String initFrom, long steps, double trainSeconds, double stepsPerSecond, Stalls saveStallMillis,
                Timings snapshotMillis, List<Long> saved, List<SaveBytes> bytesAdded, List<Long> retained, Map<String, Double> metrics, SaveBudgetCadence saveBudget)
        {
            this(run, resumedFrom, initFrom, steps, trainSeconds, stepsPerSecond, saveStallMillis, snapshotMillis, saved, bytesAdded, retained, metrics, saveBudget, 0, null);
        }
    }

    public record Stalls(double median, double p95, int count) {}

    /**
     * One committed save of {@code train --json}.
     *
     * @param bytes the logical size of its files
     * @param bytesAdded the bytes it put in the store: its new chunks and its manifest; chunks the
     * repository already held (an unchanged graph, frozen layers) cost nothing
     */
    public record SaveBytes(long step, long bytes, long bytesAdded) {}

    public record Timings(double median, double p95) {}

    /**
     * {@code cairn ls --json}: the checkpoints sorted by run, then step.
     */
    public record Listing(String store, List<CheckpointSummary> checkpoints, List<DamagedDocument> damaged)
    {
        public Listing
        {
            requireNonNull(store, "store is null");
            checkpoints = List.copyOf(checkpoints);
            damaged = List.copyOf(damaged);
        }

        public static Listing of(String store, List<Manifest> manifests, List<DamagedCheckpoint> damaged)
        {
            return new Listing(store, manifests.stream().map(CheckpointSummary::of).toList(), damaged.stream().map(DamagedDocument::of).toList());
        }
    }

    /**
     * One checkpoint as {@code ls --json} lists it.
     *
     * @param kind {@code FULL}, {@code WEIGHTS} or {@code STATE}
     * @param createdAt ISO-8601
     * @param epoch the epochs completed when it was taken (0-based: a person reads it 1-based, as the epoch it was taken in)
     * @param bytes the logical size of the checkpoint's files
     * @param initFrom the checkpoint a fine-tuned run started from; left out when the run has none
     */
    public record CheckpointSummary(
            String run,
            long step,
            int epoch,
            String kind,
            String createdAt,
            long bytes,
            Map<String, Double> metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) InitFromDocument initFrom)
    {
        public CheckpointSummary
        {
            metrics = ordered(metrics);
        }

        public static CheckpointSummary of(Manifest manifest)
        {
            return new CheckpointSummary(manifest.run(), manifest.step(), manifest.epoch(), manifest.kind().name(), manifest.createdAt(), manifest.bytes(), manifest.metrics(),
                    manifest.initFromIfPresent().map(InitFromDocument::of).orElse(null));
        }
    }

    /**
     * The parent of a fine-tuned run: the checkpoint whose weights it started from.
     */
    public record InitFromDocument(String run, long step)
    {
        public static InitFromDocument of(Manifest.InitFrom initFrom)
        {
            return new InitFromDocument(initFrom.run(), initFrom.step());
        }
    }

    /**
     * {@code cairn inspect --json}: one checkpoint as in {@code ls}, plus its model, chunk size, files,
     * variables and trainer state.
     *
     * @param trainerState null when the checkpoint has none
     */
    public record CheckpointDetails(
            String run,
            long step,
            int epoch,
            String kind,
            String createdAt,
            long bytes,
            Map<String, Double> metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) InitFromDocument initFrom,
            ModelDocument model,
            int chunkSize,
            List<FileDocument> files,
            List<VariableDocument> variables,
            TrainerStateDocument trainerState)
    {
        public CheckpointDetails
        {
            metrics = ordered(metrics);
            files = List.copyOf(files);
            variables = List.copyOf(variables);
        }

        public static CheckpointDetails of(Manifest manifest)
        {
            CheckpointSummary summary = CheckpointSummary.of(manifest);
            return new CheckpointDetails(
                    summary.run(),
                    summary.step(),
                    summary.epoch(),
                    summary.kind(),
                    summary.createdAt(),
                    summary.bytes(),
                    summary.metrics(),
                    summary.initFrom(),
                    new ModelDocument(manifest.model().description(), manifest.model().signature()),
                    manifest.chunkSize(),
                    manifest.files().stream().map(file -> new FileDocument(file.path(), file.size(), file.sha256(), file.chunks())).toList(),
                    manifest.variables().stream()
                            .map(variable -> new VariableDocument(variable.name(), variable.dtype(), variable.shape(), variable.role()))
                            .toList(),
                    manifest.trainerStateIfPresent().map(TrainerStateDocument::of).orElse(null));
        }
    }

    /**
     * @param signature SHA-256 over every variable's name, type, shape and role
     */
    public record ModelDocument(String description, String signature) {}

    /**
     * @param path relative {@code /}-separated path inside the checkpoint
     * @param sha256 hex of the whole file
     * @param chunks hex hashes of its chunks, in order
     */
    public record FileDocument(String path, long size, String sha256, List<String> chunks)
    {
        public FileDocument
        {
            chunks = List.copyOf(chunks);
        }
    }

    /**
     * @param dtype e.g. {@code FLOAT}
     * @param role {@code weight} or {@code optimizer}
     */
    public record VariableDocument(String name, String dtype, List<Long> shape, String role)
    {
        public VariableDocument
        {
            shape = List.copyOf(shape);
        }
    }

    /**
     * Where the run stood: {@code epoch} epochs and {@code batchInEpoch} batches of the next done, the
     * data it counts in, the epoch's running sums and the save policies' bookkeeping.
     */
    public record TrainerStateDocument(
            long step,
            int epoch,
            int batchInEpoch,
            long seed,
            int batchSize,
            int datasetSize,
            boolean shuffle,
            double epochLossSum,
            double epochAccuracySum,
            long epochSamples,
            Map<String, Double> policyState)
    {
        public TrainerStateDocument
        {
            policyState = ordered(policyState);
        }

        public static TrainerStateDocument of(TrainerState state)
        {
            return new TrainerStateDocument(state.step(), state.epoch(), state.batchInEpoch(), state.seed(), state.batchSize(), state.datasetSize(), state.shuffle(),
                    state.epochLossSum(), state.epochAccuracySum(), state.epochSamples(), state.policyState());
        }
    }

    /**
     * {@code cairn runs --json}: every run of the repository, oldest first.
     */
    public record RunsListing(String store, List<RunSummary> runs)
    {
        public RunsListing
        {
            requireNonNull(store, "store is null");
            runs = List.copyOf(runs);
        }
    }

    /**
     * One run as {@code runs --json} lists it.
     *
     * @param startedAt ISO-8601, from the run id (else its first checkpoint); null when neither tells
     * @param parent {@code run@step} of the checkpoint a fine-tuned run started from, else null
     * @param newestStep null when the run has no checkpoint yet
     * @param kinds the kinds of its checkpoints, in {@code FULL}, {@code WEIGHTS}, {@code STATE} order
     * @param bytesReferenced the sizes of the distinct chunks its checkpoints reference
     * @param bytesUnique the part of those no other run references
     * @param writer who holds the run's live lease, null when none does
     */
    public record RunSummary(
            String run,
            String startedAt,
            String parent,
            Long newestStep,
            int checkpoints,
            List<String> kinds,
            long bytesReferenced,
            long bytesUnique,
            WriterDocument writer)
    {
        public RunSummary
        {
            requireNonNull(run, "run is null");
            kinds = List.copyOf(kinds);
        }
    }

    public record WriterDocument(String host, long pid) {}

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
            stepsPerSecond = ordered(stepsPerSecond);
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

    /**
     * A read-only copy in the given order (core's maps are sorted; JSON keeps whatever order it gets).
     */
    private static Map<String, Double> ordered(Map<String, Double> map)
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(map, "map is null")));
    }
}
