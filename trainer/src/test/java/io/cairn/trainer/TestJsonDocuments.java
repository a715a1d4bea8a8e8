package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.train.TrainerState;
import io.cairn.trainer.json.BenchDocuments;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import io.cairn.trainer.json.Preempted;
import io.cairn.trainer.json.SaveBudgetCadence;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each {@code --json} document against its shape in docs/architecture.md ("JSON shapes"): field names in order,
 * and the JSON type of each.
 */
class TestJsonDocuments
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> SUMMARY_FIELDS = List.of("run", "step", "epoch", "kind", "createdAt", "bytes", "metrics");

    @Test
    void lsListsTheStoreAndEachCheckpointsSummary()
            throws IOException
    {
        JsonNode listing = json(JsonDocuments.Listing.of("file:///tmp/ckpt/", List.of(manifest(SaveKind.FULL, 100, state(100)), manifest(SaveKind.WEIGHTS, 150, null)),
                List.of(new DamagedCheckpoint("run-a", 200, "runs/run-a/checkpoints/00000000000000000200.json", "Manifest ... is not valid JSON"))));
        assertThat(fields(listing)).containsExactly("store", "checkpoints", "damaged");
        assertThat(fields(listing.get("damaged").get(0))).containsExactly("run", "step", "key", "reason");
        assertThat(listing.get("damaged").get(0).get("step").asLong()).isEqualTo(200);
        assertThat(listing.get("store").asText()).isEqualTo("file:///tmp/ckpt/");
        assertThat(listing.get("checkpoints").isArray()).isTrue();
        assertThat(listing.get("checkpoints")).hasSize(2);
        for (JsonNode checkpoint : listing.get("checkpoints")) {
            assertSummary(checkpoint);
        }
        assertThat(listing.get("checkpoints").get(0).get("kind").asText()).isEqualTo("FULL");
        assertThat(listing.get("checkpoints").get(1).get("step").asLong()).isEqualTo(150);
    }

    @Test
    void inspectShowsTheSummaryPlusModelChunkSizeFilesVariablesAndTrainerState()
            throws IOException
    {
        JsonNode details = json(JsonDocuments.CheckpointDetails.of(manifest(SaveKind.STATE, 100, state(100))));
        List<String> expected = new ArrayList<>(SUMMARY_FIELDS);
        expected.addAll(List.of("model", "chunkSize", "files", "variables", "trainerState"));
        assertThat(fields(details)).containsExactlyElementsOf(expected);
        assertSummary(details);

        assertThat(fields(details.get("model"))).containsExactly("description", "signature");
        assertThat(details.get("model").get("signature").isTextual()).isTrue();
        assertThat(details.get("chunkSize").isInt()).isTrue();

        JsonNode file = details.get("files").get(0);
        assertThat(fields(file)).containsExactly("path", "size", "sha256", "chunks");
        assertThat(file.get("path").asText()).isEqualTo("variables/variables.data-00000-of-00001");
        assertThat(file.get("size").isIntegralNumber()).isTrue();
        assertThat(file.get("sha256").isTextual()).isTrue();
        assertThat(file.get("chunks").isArray()).isTrue();
        assertThat(file.get("chunks").get(0).isTextual()).isTrue();

        JsonNode variable = details.get("variables").get(0);
        assertThat(fields(variable)).containsExactly("name", "dtype", "shape", "role");
        assertThat(variable.get("dtype").asText()).isEqualTo("FLOAT");
        assertThat(variable.get("shape").toString()).isEqualTo("[100,10]");
        assertThat(variable.get("role").asText()).isEqualTo("weight");
        assertThat(details.get("variables").get(1).get("shape").toString()).isEqualTo("[]");

        JsonNode state = details.get("trainerState");
        assertThat(fields(state)).containsExactly("step", "epoch", "batchInEpoch", "seed", "batchSize", "datasetSize", "shuffle",
                "epochLossSum", "epochAccuracySum", "epochSamples", "policyState");
        assertThat(state.get("step").asLong()).isEqualTo(100);
        assertThat(state.get("batchInEpoch").isInt()).isTrue();
        assertThat(state.get("shuffle").isBoolean()).isTrue();
        assertThat(state.get("epochLossSum").isNumber()).isTrue();
        assertThat(state.get("policyState").get("best.loss").asDouble()).isEqualTo(1.25);
    }

    @Test
    void inspectWritesANullTrainerStateWhenTheCheckpointHasNone()
            throws IOException
    {
        JsonNode details = json(JsonDocuments.CheckpointDetails.of(manifest(SaveKind.WEIGHTS, 150, null)));
        assertThat(details.has("trainerState")).isTrue();
        assertThat(details.get("trainerState").isNull()).isTrue();
    }

    @Test
    void lsAndInspectAddInitFromAfterTheMetricsOnlyForAFineTunedRun()
            throws IOException
    {
        Manifest plain = manifest(SaveKind.FULL, 100, state(100));
        Manifest fineTuned = new Manifest(plain.formatVersion(), plain.run(), plain.step(), plain.epoch(), plain.kind(), plain.createdAt(), plain.metrics(), plain.model(),
                plain.chunkSize(), plain.files(), plain.variables(), plain.trainerState(), new Manifest.InitFrom("20261128T010203004Z-abcdef", 150));
        JsonNode listing = json(JsonDocuments.Listing.of("file:///tmp/ckpt/", List.of(plain, fineTuned), List.of()));
        assertThat(fields(listing.get("checkpoints").get(0))).containsExactlyElementsOf(SUMMARY_FIELDS);
        List<String> withParent = new ArrayList<>(SUMMARY_FIELDS);
        withParent.add("initFrom");
        assertThat(fields(listing.get("checkpoints").get(1))).containsExactlyElementsOf(withParent);
        assertThat(listing.get("checkpoints").get(1).get("initFrom").toString()).isEqualTo("{\"run\":\"20261128T010203004Z-abcdef\",\"step\":150}");

        JsonNode details = json(JsonDocuments.CheckpointDetails.of(fineTuned));
        assertThat(fields(details).subList(0, withParent.size() + 1)).containsExactlyElementsOf(concat(withParent, "model"));
        assertThat(fields(json(JsonDocuments.CheckpointDetails.of(plain)))).doesNotContain("initFrom");
    }

    @Test
    void runsListsEachRunWithNullsWhereThereIsNothingToShow()
            throws IOException
    {
        JsonNode listing = json(new JsonDocuments.RunsListing("file:///tmp/ckpt/", List.of(
                new JsonDocuments.RunSummary("r1", "2026-11-29T04:03:23.418Z", null, 150L, 3, List.of("FULL", "STATE"), 40960, 28672, null),
                new JsonDocuments.RunSummary("r2", null, "r1@150", null, 0, List.of(), 0, 0, new JsonDocuments.WriterDocument("host-a", 4242)))));
        assertThat(fields(listing)).containsExactly("store", "runs");
        JsonNode first = listing.get("runs").get(0);
        assertThat(fields(first)).containsExactly("run", "startedAt", "parent", "newestStep", "checkpoints", "kinds", "bytesReferenced", "bytesUnique", "writer");
        assertThat(first.get("parent").isNull()).isTrue();
        assertThat(first.get("newestStep").isIntegralNumber()).isTrue();
        assertThat(first.get("checkpoints").isInt()).isTrue();
        assertThat(first.get("kinds").toString()).isEqualTo("[\"FULL\",\"STATE\"]");
        assertThat(first.get("bytesUnique").isIntegralNumber()).isTrue();
        assertThat(first.get("writer").isNull()).isTrue();
        JsonNode second = listing.get("runs").get(1);
        assertThat(second.get("startedAt").isNull()).isTrue();
        assertThat(second.get("parent").asText()).isEqualTo("r1@150");
        assertThat(second.get("newestStep").isNull()).isTrue();
        assertThat(second.get("writer").toString()).isEqualTo("{\"host\":\"host-a\",\"pid\":4242}");
    }

    @Test
    void trainSummarisesTheRunItsStallsAndItsSaves()
            throws IOException
    {
        JsonNode summary = json(new JsonDocuments.TrainSummary("r1", null, null, 160, 0.41, 390.2, new JsonDocuments.Stalls(0.6, 1.1, 3), new JsonDocuments.Timings(0.3, 0.9),
                List.of(50L, 100L, 150L), List.of(new JsonDocuments.SaveBytes(50, 130000, 128000), new JsonDocuments.SaveBytes(100, 130000, 41000),
                        new JsonDocuments.SaveBytes(150, 130000, 41000)), List.of(100L, 150L), metrics()));
        assertThat(fields(summary)).containsExactly("run", "resumedFrom", "initFrom", "steps", "trainSeconds", "stepsPerSecond", "saveStallMillis", "snapshotMillis",
                "saved", "bytesAdded", "retained", "metrics", "failedSaves");
        assertThat(summary.get("failedSaves").asInt()).isZero();
        assertThat(summary.get("resumedFrom").isNull()).isTrue();
        assertThat(summary.get("initFrom").isNull()).isTrue();
        assertThat(summary.get("bytesAdded")).hasSize(3);
        assertThat(fields(summary.get("bytesAdded").get(1))).containsExactly("step", "bytes", "bytesAdded");
        assertThat(summary.get("bytesAdded").get(1).get("step").asLong()).isEqualTo(100);
        assertThat(summary.get("bytesAdded").get(1).get("bytes").isIntegralNumber()).isTrue();
        assertThat(summary.get("bytesAdded").get(1).get("bytesAdded").asLong()).isEqualTo(41000);
        assertThat(summary.get("steps").isIntegralNumber()).isTrue();
        assertThat(summary.get("trainSeconds").isDouble()).isTrue();
        assertThat(summary.get("stepsPerSecond").isDouble()).isTrue();
        assertThat(fields(summary.get("saveStallMillis"))).containsExactly("median", "p95", "count");
        assertThat(summary.get("saveStallMillis").get("count").isInt()).isTrue();
        assertThat(fields(summary.get("snapshotMillis"))).containsExactly("median", "p95");
        assertThat(summary.get("saved").toString()).isEqualTo("[50,100,150]");
        assertThat(summary.get("retained").toString()).isEqualTo("[100,150]");
        assertThat(fields(summary.get("metrics"))).containsExactly("accuracy", "loss");

        JsonNode resumed = json(new JsonDocuments.TrainSummary("r2", 70L, "r1@150", 160, 0.41, 390.2, new JsonDocuments.Stalls(0, 0, 0), new JsonDocuments.Timings(0, 0),
                List.of(), List.of(), List.of(), Map.of()));
        assertThat(resumed.get("resumedFrom").asLong()).isEqualTo(70);
        assertThat(resumed.get("initFrom").asText()).isEqualTo("r1@150");
        assertThat(resumed.get("bytesAdded").toString()).isEqualTo("[]");

        JsonNode notSaved = json(new JsonDocuments.TrainSummary(null, null, null, 160, 0.41, 390.2, new JsonDocuments.Stalls(0, 0, 0), new JsonDocuments.Timings(0, 0),
                List.of(), List.of(), List.of(), Map.of()));
        assertThat(notSaved.get("run").isNull()).isTrue();
    }

    @Test
    void trainCountsFailedSavesAndTellsWhereAPreemptedRunSaved()
            throws IOException
    {
        JsonNode summary = json(new JsonDocuments.TrainSummary("r1", null, null, 73, 0.2, 365, new JsonDocuments.Stalls(0.6, 1.1, 2), new JsonDocuments.Timings(0.3, 0.9),
                List.of(73L), List.of(), List.of(73L), metrics(), null, 1, new Preempted("TERM", 73)));
        assertThat(fields(summary)).endsWith("metrics", "failedSaves", "preempted");
        assertThat(summary.get("failedSaves").isInt()).isTrue();
        assertThat(summary.get("failedSaves").asInt()).isEqualTo(1);
        assertThat(fields(summary.get("preempted"))).containsExactly("signal", "savedStep");
        assertThat(summary.get("preempted").get("signal").asText()).isEqualTo("TERM");
        assertThat(summary.get("preempted").get("savedStep").asLong()).isEqualTo(73);
    }

    @Test
    void trainWithASaveBudgetAddsTheCadenceItChose()
            throws IOException
    {
        JsonNode summary = json(new JsonDocuments.TrainSummary("r1", null, null, 400, 30.2, 13.2, new JsonDocuments.Stalls(40, 60, 2), new JsonDocuments.Timings(30, 45),
                List.of(21L, 300L), List.of(), List.of(21L, 300L), metrics(),
                new SaveBudgetCadence(0.05, 2, List.of(21L, 279L), 281, 0.031, 73.5)));
        assertThat(fields(summary)).containsExactly("run", "resumedFrom", "initFrom", "steps", "trainSeconds", "stepsPerSecond", "saveStallMillis", "snapshotMillis",
                "saved", "bytesAdded", "retained", "metrics", "saveBudget", "failedSaves");
        JsonNode budget = summary.get("saveBudget");
        assertThat(fields(budget)).containsExactly("budget", "saves", "intervalSteps", "nextIntervalSteps", "measuredCost", "stepMillis");
        assertThat(budget.get("budget").isDouble()).isTrue();
        assertThat(budget.get("saves").isInt()).isTrue();
        assertThat(budget.get("intervalSteps").toString()).isEqualTo("[21,279]");
        assertThat(budget.get("nextIntervalSteps").isIntegralNumber()).isTrue();
        assertThat(budget.get("measuredCost").isDouble()).isTrue();
        assertThat(budget.get("stepMillis").isDouble()).isTrue();
    }

    @Test
    void benchReportsItsFlagsAndOneRowPerCase()
            throws IOException
    {
        BenchDocuments.Spread spread = new BenchDocuments.Spread(1, 0.5, 2);
        JsonNode report = json(new BenchDocuments.BenchReport("mlp:100,10,5", "random:1000", 1, 32, 16,
                List.of(new BenchDocuments.BenchCase("no saves", 0, 0.04, 0, 0, 0, 0, 0, 800, 1.0, spread, spread, spread, spread, spread),
                        new BenchDocuments.BenchCase("Cairn FULL (async)", 2, 0.06, 1.1, 3.2, 63010, 44774, 25.9, 780, 0.975, spread, spread, spread, spread, spread)),
                3,
                Map.of("none", 800.0),
                Map.of("async", new BenchDocuments.BenchStall(1.1, 3.2)),
                310.5,
                600.5,
                420.25,
                new BenchDocuments.BenchBytes(44000, 13000, 12800),
                new BenchDocuments.BenchFrozen(2000, 12800, 0.948),
                new BenchDocuments.BenchRestore(25.9, 30.1),
                1.75,
                List.of("Save FULL every 16 steps.")));
        assertThat(fields(report)).containsExactly("model", "data", "epochs", "batch", "saveEverySteps", "cases", "repeat", "stepsPerSecond", "stallMillis", "persistMBps",
                "persistMBpsSync", "rawWriteMBps", "bytesWritten", "frozen90", "restoreMillis", "backgroundCpuSecondsPerGB", "advice");
        assertThat(report.get("persistMBps").isDouble()).isTrue();
        assertThat(report.get("rawWriteMBps").isDouble()).isTrue();
        assertThat(report.get("backgroundCpuSecondsPerGB").isDouble()).isTrue();
        assertThat(fields(report.get("frozen90"))).containsExactly("bytesPerSave", "variableBytes", "frozenFraction");
        assertThat(report.get("frozen90").get("bytesPerSave").isIntegralNumber()).isTrue();
        assertThat(report.get("advice").isArray()).isTrue();
        assertThat(report.get("advice").get(0).asText()).isEqualTo("Save FULL every 16 steps.");
        assertThat(report.get("repeat").isInt()).isTrue();
        assertThat(report.get("stepsPerSecond").get("none").isDouble()).isTrue();
        assertThat(fields(report.get("stallMillis").get("async"))).containsExactly("median", "p95");
        assertThat(fields(report.get("bytesWritten"))).containsExactly("firstSave", "laterSaveMedian", "variableBytes");
        assertThat(report.get("bytesWritten").get("firstSave").isIntegralNumber()).isTrue();
        assertThat(fields(report.get("restoreMillis"))).containsExactly("cairn", "tfLoad");
        assertThat(report.get("model").asText()).isEqualTo("mlp:100,10,5");
        assertThat(report.get("epochs").isInt()).isTrue();
        assertThat(report.get("saveEverySteps").isIntegralNumber()).isTrue();
        JsonNode row = report.get("cases").get(1);
        assertThat(fields(row)).containsExactly("case", "saves", "trainSeconds", "stallMedianMillis", "stallP95Millis", "logicalBytes", "storedBytes", "loadMedianMillis",
                "stepsPerSecond", "ratioToNoSaves", "trainSecondsSpread", "stepsPerSecondSpread", "stallMedianMillisSpread", "loadMedianMillisSpread", "logicalBytesSpread");
        assertThat(fields(row.get("stepsPerSecondSpread"))).containsExactly("median", "min", "max");
        assertThat(row.get("case").asText()).isEqualTo("Cairn FULL (async)");
        assertThat(row.get("saves").isInt()).isTrue();
        assertThat(row.get("stallMedianMillis").isDouble()).isTrue();
        assertThat(row.get("storedBytes").isIntegralNumber()).isTrue();
    }

    private static void assertSummary(JsonNode checkpoint)
    {
        assertThat(fields(checkpoint).subList(0, SUMMARY_FIELDS.size())).containsExactlyElementsOf(SUMMARY_FIELDS);
        assertThat(checkpoint.get("run").isTextual()).isTrue();
        assertThat(checkpoint.get("step").isIntegralNumber()).isTrue();
        assertThat(checkpoint.get("epoch").isInt()).isTrue();
        assertThat(checkpoint.get("kind").asText()).isIn("FULL", "WEIGHTS", "STATE");
        assertThat(checkpoint.get("createdAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        assertThat(checkpoint.get("bytes").asLong()).isEqualTo(12788 + 481);
        assertThat(checkpoint.get("metrics").get("loss").isDouble()).isTrue();
    }

    private static Manifest manifest(SaveKind kind, long step, TrainerState state)
    {
        String data = "a".repeat(64);
        String index = "b".repeat(64);
        return new Manifest(Manifest.FORMAT_VERSION, "20261129T040323418Z-e0b28e", step, 3, kind, "2026-11-29T04:03:24.100Z", metrics(),
                new Manifest.ModelInfo("sequential 100 -> dense(10, relu) -> dense(5, softmax)", "c".repeat(64)), 4 << 20,
                List.of(new Manifest.FileEntry("variables/variables.data-00000-of-00001", 12788, data, List.of(data)),
                        new Manifest.FileEntry("variables/variables.index", 481, index, List.of(index))),
                List.of(new Manifest.VariableEntry("dense_1_kernel", "FLOAT", List.of(100L, 10L), "weight"),
                        new Manifest.VariableEntry("adam_beta1_power", "FLOAT", List.of(), "optimizer")),
                state);
    }

    private static TrainerState state(long step)
    {
        return new TrainerState(step, 3, 4, 42, 32, 1000, true, 152.0, 41.0, 128, Map.of("best.loss", 1.25));
    }

    private static Map<String, Double> metrics()
    {
        return new TreeMap<>(Map.of("loss", 1.52, "accuracy", 0.41));
    }

    private static JsonNode json(Record document)
            throws IOException
    {
        return MAPPER.readTree(JsonPrinter.toJson(document));
    }

    private static List<String> concat(List<String> first, String... more)
    {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> fields(JsonNode node)
    {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
