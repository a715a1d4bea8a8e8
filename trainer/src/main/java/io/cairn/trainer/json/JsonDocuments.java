package io.cairn.trainer.json;

import com.fasterxml.jackson.annotation.JsonInclude;
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
     * A read-only copy in the given order (core's maps are sorted; JSON keeps whatever order it gets).
     */
    static Map<String, Double> ordered(Map<String, Double> map)
    {
        return Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(map, "map is null")));
    }
}
