package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.cairn.trainer.CliRun.cairn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Command-line scenarios every store must pass the same way: local disk, S3, HDFS.
 */
final class Scenarios
{
    static final String DATA_FILE = "variables/variables.data-00000-of-00001";
    static final String[] SEED_FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32"};

    private Scenarios() {}

    /**
     * The seed run with FULL saves every 50 steps, keeping the last two.
     *
     * @return {@code ls --json}'s checkpoints
     */
    static JsonNode trainSeedKeepingTheLastTwo(String store)
    {
        CliRun train = cairn(concat(concat(new String[] {"train", "--store", store}, SEED_FLAGS), "--save-every-steps", "50", "--mode", "full", "--keep-last", "2"));
        assertThat(train.exitCode()).as(train.toString()).isZero();
        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        JsonNode checkpoints = ls.json().get("checkpoints");
        assertThat(checkpoints.findValues("step")).extracting(JsonNode::asLong).containsExactly(100L, 150L);
        return checkpoints;
    }

    /**
     * Runs A and C are the seed run keeping steps 100 and 150, twice: the same flags write the same
     * variable files, so they share those chunks. Run B is fine-tuned from A@150 through the Java API and
     * saves FULL at step 10. {@code runs} shows B's parent, each run's newest step and kinds, the bytes of
     * the chunks each references and of those only it references (counted here from the stored chunks
     * themselves), and B's live writer while B's checkpointer holds its lease.
     *
     * @return the ids of A, C and B, as {@code runs} lists them
     */
    static List<String> assertRunsShowLineageBytesAndWriters(String store)
            throws IOException
    {
        trainSeedKeepingTheLastTwo(store);
        CliRun again = cairn(concat(concat(new String[] {"train", "--store", store}, SEED_FLAGS), "--save-every-steps", "50", "--mode", "full", "--keep-last", "2", "--json"));
        assertThat(again.exitCode()).as(again.toString()).isZero();
        String twin = again.json().get("run").asText();
        String parent;
        String child;
        JsonNode whileWriting;
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store));
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            Manifest latest = repository.checkpoints().get(1);
            parent = latest.run();
            try (Checkpointer checkpointer = Checkpointer.startRunFrom(repository, model, CheckpointerOptions.defaults(), latest)) {
                checkpointer.save(SaveKind.FULL, TrainerState.at(10, 0, 10), Map.of("loss", 1.5));
                checkpointer.awaitPending();
                child = checkpointer.run();
                CliRun runs = cairn("runs", "--store", store, "--json");
                assertThat(runs.exitCode()).as(runs.toString()).isZero();
                whileWriting = runs.json();
            }
        }
        JsonNode writer = whileWriting.get("runs").get(2).get("writer");
        assertThat(writer.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(writer.get("host").asText()).isNotBlank();
        assertThat(whileWriting.get("runs").get(0).get("writer").isNull()).isTrue();

        CliRun runs = cairn("runs", "--store", store, "--json");
        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        JsonNode listing = runs.json().get("runs");
        assertThat(listing.findValues("run")).extracting(JsonNode::asText).containsExactly(parent, twin, child);
        JsonNode a = listing.get(0);
        JsonNode b = listing.get(2);
        assertThat(fieldNames(a)).containsExactly("run", "startedAt", "parent", "newestStep", "checkpoints", "kinds", "bytesReferenced", "bytesUnique", "writer");
        assertThat(a.get("parent").isNull()).isTrue();
        assertThat(a.get("newestStep").asLong()).isEqualTo(150);
        assertThat(a.get("checkpoints").asInt()).isEqualTo(2);
        assertThat(a.get("kinds").toString()).isEqualTo("[\"FULL\"]");
        // run ids start with their start time, to the millisecond
        assertThat(a.get("startedAt").asText().replaceAll("[-:.]", "")).startsWith(parent.substring(0, 15));
        assertThat(b.get("parent").asText()).isEqualTo(parent + "@150");
        assertThat(b.get("newestStep").asLong()).isEqualTo(10);
        assertThat(b.get("checkpoints").asInt()).isEqualTo(1);
        assertThat(b.get("writer").isNull()).as("released at close").isTrue();

        Map<String, Map<String, Long>> stored = storedChunkSizes(store);
        for (JsonNode run : listing) {
            Map<String, Long> mine = stored.get(run.get("run").asText());
            Map<String, Long> others = new HashMap<>();
            stored.entrySet().stream().filter(entry -> !entry.getKey().equals(run.get("run").asText())).forEach(entry -> others.putAll(entry.getValue()));
            assertThat(run.get("bytesReferenced").asLong()).as(run.toString()).isEqualTo(mine.values().stream().mapToLong(Long::longValue).sum());
            assertThat(run.get("bytesUnique").asLong()).as(run.toString())
                    .isEqualTo(mine.entrySet().stream().filter(chunk -> !others.containsKey(chunk.getKey())).mapToLong(Map.Entry::getValue).sum());
        }
        // the same flags give the same variable files: A and C share those chunks
        assertThat(a.get("bytesUnique").asLong()).isLessThan(a.get("bytesReferenced").asLong());
        assertThat(listing.get(1).get("bytesUnique").asLong()).isLessThan(listing.get(1).get("bytesReferenced").asLong());
        assertThat(b.get("bytesUnique").asLong()).isPositive();

        CliRun human = cairn("runs", "--store", store);
        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.err()).contains(parent + "@150").contains("3 run(s) in");
        return List.of(parent, twin, child);
    }

    /**
     * Each run's chunks with their sizes as the store holds them: read back, not derived.
     */
    private static Map<String, Map<String, Long>> storedChunkSizes(String store)
            throws IOException
    {
        Map<String, Map<String, Long>> sizes = new LinkedHashMap<>();
        try (CheckpointStore opened = CheckpointStores.discover().open(store);
                CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            for (Manifest manifest : repository.checkpoints()) {
                for (Manifest.FileEntry file : manifest.files()) {
                    for (String chunk : file.chunks()) {
                        sizes.computeIfAbsent(manifest.run(), run -> new HashMap<>())
                                .put(chunk, (long) opened.readAllBytes("chunks/" + chunk.substring(0, 2) + "/" + chunk).length);
                    }
                }
            }
        }
        return sizes;
    }

    static List<String> fieldNames(JsonNode node)
    {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Two listings show the same checkpoints, run ids and times aside.
     */
    static void assertSameCheckpoints(JsonNode actual, JsonNode expected)
    {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            for (String field : List.of("step", "epoch", "kind", "bytes", "metrics")) {
                assertThat(actual.get(i).get(field)).as(field).isEqualTo(expected.get(i).get(field));
            }
        }
    }

    /**
     * STATE saves every 10 steps: stopped at step 73 and resumed, the run ends with the same variables
     * as a run that was never interrupted.
     */
    static void assertResumeEndsLikeAnUninterruptedRun(String whole, String interrupted)
    {
        String[] flags = concat(SEED_FLAGS, "--mode", "state", "--save-every-steps", "10");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        CliRun stopped = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--max-steps", "73", "--json"));
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.json().get("steps").asLong()).isEqualTo(73);
        assertThat(stopped.json().get("saved").toString()).endsWith(",70]");

        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", interrupted}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("Resuming run").contains("from step 70");
        assertThat(resumed.json().get("run").asText()).isEqualTo(stopped.json().get("run").asText());
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(70);
        assertThat(resumed.json().get("steps").asLong()).isEqualTo(160);

        JsonNode last = inspectLatest(interrupted);
        assertThat(last.get("step").asLong()).isEqualTo(160);
        assertThat(last.get("trainerState").get("epoch").asInt()).isEqualTo(4);
        assertThat(last.get("trainerState").get("batchInEpoch").asInt()).isEqualTo(32);
        assertThat(dataFileHash(last)).isEqualTo(dataFileHash(inspectLatest(whole)));
    }

    /**
     * Run A trains {@code mlp:100,256,16,5} saving FULL every 50 steps in 4 KiB chunks; run B starts from
     * A's newest checkpoint with the first dense layer frozen. B records A's checkpoint as its parent,
     * and from its second save on each save adds at most 40 % of its bytes: the frozen layer and the
     * graph are chunks the repository holds.
     *
     * @return B's {@code train --json}
     */
    static JsonNode fineTuneTheLatestCheckpointWithTheFirstLayerFrozen(String store)
    {
        // the repository's default chunk size: the data file is cut at its tensors, whatever their size
        String[] flags = {"--model", "mlp:100,256,16,5", "--mode", "full", "--save-every-steps", "50", "--json"};
        CliRun a = cairn(concat(new String[] {"train", "--store", store}, flags));
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(a.json().get("initFrom").isNull()).isTrue();
        String parent = a.json().get("run").asText() + "@150";

        CliRun b = cairn(concat(concat(new String[] {"train", "--store", store}, flags), "--init-from", "latest", "--freeze", "1"));
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(b.err()).contains("from checkpoint " + parent).contains("first 1 layer frozen");
        JsonNode summary = b.json();
        assertThat(summary.get("run").asText()).isNotEqualTo(a.json().get("run").asText());
        assertThat(summary.get("initFrom").asText()).isEqualTo(parent);
        JsonNode saves = summary.get("bytesAdded");
        assertThat(saves.findValues("step")).extracting(JsonNode::asLong).containsExactly(50L, 100L, 150L);
        long firstBytesAdded = saves.get(0).get("bytesAdded").asLong();
        for (int i = 1; i < saves.size(); i++) {
            JsonNode save = saves.get(i);
            assertThat(save.get("bytesAdded").asLong()).as(saves.toString()).isPositive().isLessThan(firstBytesAdded)
                    .isLessThanOrEqualTo(save.get("bytes").asLong() * 40 / 100);
        }
        // the frozen layer's weights (a 100x256 kernel and 256 biases, floats: 103 KB) are A's: B's first save
        // adds the rest of its files and its manifest (a few KB), none of them
        long frozenBytes = (100L * 256 + 256) * 4;
        assertThat(firstBytesAdded).as(saves.toString()).isLessThanOrEqualTo(saves.get(0).get("bytes").asLong() - frozenBytes + 8192);
        return summary;
    }

    /**
     * Exit 2 with one line from cairn, saying {@code expected}.
     */
    static void assertUsageError(CliRun run, String expected)
    {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        List<String> lines = run.err().lines().filter(line -> line.startsWith("cairn")).toList();
        assertThat(lines).as(run.toString()).hasSize(1);
        assertThat(lines.get(0)).contains(expected);
    }

    static JsonNode inspectLatest(String store)
    {
        CliRun inspect = cairn("inspect", "--store", store, "--latest", "--json");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        return inspect.json();
    }

    static String dataFileHash(JsonNode checkpoint)
    {
        for (JsonNode file : checkpoint.get("files")) {
            if (file.get("path").asText().equals(DATA_FILE)) {
                return file.get("sha256").asText();
            }
        }
        throw new AssertionError("no " + DATA_FILE + " in " + checkpoint);
    }

    static String[] concat(String[] first, String... more)
    {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }
}
