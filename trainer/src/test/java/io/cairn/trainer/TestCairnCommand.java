package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.core.model.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static io.cairn.trainer.Scenarios.concat;
import static io.cairn.trainer.Scenarios.dataFileHash;
import static io.cairn.trainer.Scenarios.inspectLatest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TestCairnCommand
{
    private static final List<String> COMMANDS = List.of("train", "ls", "runs", "inspect", "verify", "export", "gc", "bench");

    @TempDir
    Path temp;

    @Test
    void trainSavesEveryFiftyStepsKeepsTheLastTwoAndShowsProgress()
    {
        String store = "file:" + temp.resolve("ckpt");
        CliRun train = cairn("train", "--store", store, "--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
                "--save-every-steps", "50", "--mode", "full", "--keep-last", "2", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("Epoch 1/5").contains("Epoch 5/5").contains("loss");
        JsonNode summary = train.json();
        assertThat(summary.get("steps").asLong()).isEqualTo(160);
        assertThat(summary.get("saved").toString()).isEqualTo("[50,100,150]");
        assertThat(summary.get("retained").toString()).isEqualTo("[100,150]");
        assertThat(summary.get("resumedFrom").isNull()).isTrue();
        assertThat(summary.get("saveStallMillis").get("median").asDouble()).isPositive();

        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        List<Long> steps = new ArrayList<>();
        ls.json().get("checkpoints").forEach(checkpoint -> {
            steps.add(checkpoint.get("step").asLong());
            assertThat(checkpoint.get("kind").asText()).isEqualTo("FULL");
            assertThat(checkpoint.get("run").asText()).isEqualTo(summary.get("run").asText());
            assertThat(checkpoint.get("bytes").asLong()).isPositive();
            assertThat(checkpoint.get("metrics").has("loss")).isTrue();
        });
        assertThat(steps).containsExactly(100L, 150L);
    }

    @Test
    void exportedLatestCheckpointLoadsInTensorFlowAndServes()
            throws IOException
    {
        String store = temp.resolve("ckpt").toString();
        assertThat(cairn("train", "--store", store, "--save-every-steps", "50", "--mode", "full", "--keep-last", "2").exitCode()).isZero();
        Path out = temp.resolve("export");
        CliRun export = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        assertThat(out.resolve("saved_model.pb")).isRegularFile();
        assertThat(out.resolve("trainer-state.json")).isRegularFile();
        try (var entries = Files.list(out)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("saved_model.pb", "variables", "trainer-state.json");
        }

        float[][] input = new float[4][100];
        for (int row = 0; row < 4; row++) {
            for (int i = 0; i < 100; i++) {
                input[row][i] = (float) Math.sin(row * 100 + i);
            }
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(out.toString(), "serve");
                TFloat32 x = Model.matrix(input);
                Result result = bundle.function("serving_default").call(Map.of("x", x))) {
            TFloat32 y = (TFloat32) result.get("y").orElseThrow();
            assertThat(y.shape().asArray()).containsExactly(4, 5);
            for (int row = 0; row < 4; row++) {
                double sum = 0;
                for (int column = 0; column < 5; column++) {
                    sum += y.getFloat(row, column);
                }
                assertThat(sum).isCloseTo(1.0, within(1e-5));
            }
        }

        CliRun again = cairn("export", "--store", store, "--latest", "--to", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("not empty");
    }

    @Test
    void twoRunsWithTheSameFlagsHaveIdenticalVariableFiles()
    {
        String first = lastDataFileHash(temp.resolve("a").toString());
        String second = lastDataFileHash(temp.resolve("b").toString());
        assertThat(first).isEqualTo(second);
    }

    @Test
    void resumeAfterAnInterruptionEndsWhereAnUninterruptedRunEnds()
    {
        Scenarios.assertResumeEndsLikeAnUninterruptedRun(temp.resolve("whole").toString(), temp.resolve("interrupted").toString());
    }

    @Test
    void resumeWithNothingToResumeStartsFreshAndSaysSo()
    {
        CliRun run = cairn("train", "--store", temp.resolve("empty").toString(), "--epochs", "1", "--resume", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("Nothing to resume");
        assertThat(run.json().get("resumedFrom").isNull()).isTrue();
    }

    @Test
    void resumeWithOtherFlagsNamesTheFlag()
    {
        String store = temp.resolve("ckpt").toString();
        assertThat(cairn(concat(stateRun(store), "--max-steps", "20")).exitCode()).isZero();
        CliRun otherBatch = cairn("train", "--store", store, "--mode", "state", "--save-every-steps", "10", "--batch", "64", "--resume");
        assertThat(otherBatch.exitCode()).isEqualTo(2);
        assertThat(otherBatch.err()).contains("--batch 32");

        CliRun otherModel = cairn("train", "--store", store, "--mode", "state", "--model", "mlp:100,12,5", "--resume");
        assertThat(otherModel.exitCode()).as(otherModel.toString()).isEqualTo(2);
        assertThat(otherModel.err()).contains("dense_1_kernel").contains("[100, 10]").contains("[100, 12]");
    }

    @Test
    void verifyFindsADamagedChunkAndNamesIt()
            throws IOException
    {
        Path root = temp.resolve("ckpt");
        assertThat(cairn("train", "--store", root.toString(), "--epochs", "1", "--save-every-steps", "32", "--mode", "state").exitCode()).isZero();
        assertThat(cairn("verify", "--store", root.toString()).exitCode()).isZero();

        String chunk = inspectLatest(root.toString()).get("files").findValues("chunks").stream()
                .filter(node -> node.size() > 0)
                .reduce((first, second) -> second).orElseThrow().get(0).asText();
        Path file = root.resolve("chunks").resolve(chunk.substring(0, 2)).resolve(chunk);
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] ^= 0x55;
        Files.write(file, bytes);

        CliRun verify = cairn("verify", "--store", root.toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("DAMAGED").contains(chunk);

        CliRun export = cairn("export", "--store", root.toString(), "--latest", "--to", temp.resolve("out").toString());
        assertThat(export.exitCode()).isEqualTo(1);
        assertThat(export.err()).contains(chunk);
    }

    @Test
    void aChunkMissingDuringExportIsAFailureNotBadUsage()
            throws IOException
    {
        Path root = temp.resolve("ckpt");
        assertThat(cairn("train", "--store", root.toString(), "--epochs", "1", "--save-every-steps", "32", "--mode", "full").exitCode()).isZero();
        String chunk = inspectLatest(root.toString()).get("files").findValues("chunks").stream()
                .filter(node -> node.size() > 0)
                .reduce((first, second) -> second).orElseThrow().get(0).asText();
        Files.delete(root.resolve("chunks").resolve(chunk.substring(0, 2)).resolve(chunk));

        CliRun export = cairn("export", "--store", root.toString(), "--latest", "--to", temp.resolve("out").toString());
        assertThat(export.exitCode()).as(export.toString()).isEqualTo(1);
        assertThat(export.err()).contains(chunk);
        CliRun verify = cairn("verify", "--store", root.toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).contains("DAMAGED").contains(chunk);
    }

    @Test
    void everyCommandThatOpensAStoreTakesStoreOptions()
            throws Exception
    {
        for (String command : COMMANDS) {
            CliRun help = cairn(command, "--help");
            assertThat(help.exitCode()).as(help.toString()).isZero();
            assertThat(help.out()).as(command).contains("--store-option=KEY=VALUE");
        }
        // picocli warns of a description it cannot format (an unescaped %) on the System.err it saw first, so in a JVM of its own
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                PrintHelp.class.getName())
                .redirectErrorStream(true)
                .start();
        String printed = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Usage: cairn train").contains("e.g. 5% or 0.05").doesNotContain("picocli WARN");
    }

    /**
     * Prints every command's help, in a child JVM.
     */
    public static final class PrintHelp
    {
        private PrintHelp() {}

        public static void main(String[] args)
        {
            for (String command : COMMANDS) {
                if (CairnCommand.execute(new String[] {command, "--help"}, System.out, System.err) != 0) {
                    System.exit(1);
                }
            }
        }
    }

    @Test
    void aStoreOptionWithoutEqualsSignExitsTwoWithoutQuotingIt()
    {
        String store = temp.resolve("ckpt").toString();
        CliRun bare = cairn("ls", "--store", store, "--store-option", "hush-hush");
        assertUsageError(bare, "--store-option takes KEY=VALUE");
        assertThat(bare.err()).doesNotContain("hush-hush");

        // a secret given as a separate argument is not quoted back either
        CliRun split = cairn("ls", "--store", store, "--store-option", "secret-access-key", "hush-hush");
        assertThat(split.exitCode()).as(split.toString()).isEqualTo(2);
        assertThat(split.err()).doesNotContain("hush-hush");
    }

    @Test
    void gcSweepsOnlyUnreferencedChunks()
            throws IOException
    {
        Path root = temp.resolve("ckpt");
        assertThat(cairn("train", "--store", root.toString(), "--epochs", "1", "--save-every-steps", "32", "--mode", "weights").exitCode()).isZero();
        Path stray = root.resolve("chunks/00/" + "0".repeat(64));
        Files.createDirectories(stray.getParent());
        Files.write(stray, new byte[] {1});

        CliRun dryRun = cairn("gc", "--store", root.toString(), "--dry-run");
        assertThat(dryRun.exitCode()).isZero();
        assertThat(dryRun.err()).contains("would delete 1");
        assertThat(stray).exists();

        CliRun gc = cairn("gc", "--store", root.toString());
        assertThat(gc.err()).contains("deleted 1");
        assertThat(stray).doesNotExist();
        assertThat(cairn("verify", "--store", root.toString()).exitCode()).isZero();
    }

    @Test
    void benchComparesSavedModelExportsWithCairnSavesSideBySide()
    {
        CliRun bench = cairn("bench", "--store", temp.resolve("bench").toString(), "--epochs", "1", "--save-every-steps", "16", "--repeat", "1", "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.json().get("repeat").asInt()).isEqualTo(1);
        Map<String, JsonNode> cases = new LinkedHashMap<>();
        bench.json().get("cases").forEach(row -> cases.put(row.get("case").asText(), row));
        assertThat(cases).containsOnlyKeys("no saves", "SavedModel export per save (sync)", "Cairn FULL (--sync)", "Cairn FULL (async)", "Cairn STATE (async)", "Cairn WEIGHTS (async)",
                "Fine-tune (FULL async)");
        assertThat(cases.get("no saves").get("saves").asInt()).isZero();
        assertThat(cases.get("no saves").get("loadMedianMillis").asDouble()).isZero();
        cases.values().stream().skip(1).forEach(row -> {
            assertThat(row.get("saves").asInt()).as(row.toString()).isEqualTo(2);
            // every saving case loaded its last save back
            assertThat(row.get("loadMedianMillis").asDouble()).as(row.toString()).isPositive();
        });
        // a FULL save writes what a SavedModel export writes, but stores saved_model.pb once
        JsonNode export = cases.get("SavedModel export per save (sync)");
        JsonNode full = cases.get("Cairn FULL (async)");
        assertThat(full.get("storedBytes").asLong()).isLessThan(full.get("logicalBytes").asLong());
        assertThat(full.get("storedBytes").asLong()).isLessThan(export.get("storedBytes").asLong());
        assertThat(cases.get("Cairn WEIGHTS (async)").get("logicalBytes").asLong()).isLessThan(cases.get("Cairn STATE (async)").get("logicalBytes").asLong());
    }

    @Test
    void benchRepeatsInterleavedRoundsAndReportsMediansWithMinMaxAndRatiosToNoSaves()
    {
        CliRun bench = cairn("bench", "--store", temp.resolve("bench").toString(), "--model", "mlp:100,10,5", "--data", "random:200", "--epochs", "1",
                "--save-every-steps", "2", "--loads", "1", "--repeat", "2", "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.err()).contains("2 rounds after 1 warm-up round", "x NONE");
        JsonNode report = bench.json();
        assertThat(report.get("repeat").asInt()).isEqualTo(2);
        assertThat(fields(report.get("stepsPerSecond"))).containsExactly("none", "naive", "sync", "async", "state", "weights", "frozen90");
        assertThat(fields(report.get("stallMillis"))).containsExactly("naive", "sync", "async");
        report.get("stallMillis").forEach(stall -> assertThat(stall.get("p95").asDouble()).as(stall.toString()).isGreaterThanOrEqualTo(stall.get("median").asDouble()).isPositive());
        JsonNode bytes = report.get("bytesWritten");
        assertThat(bytes.get("firstSave").asLong()).isGreaterThan(bytes.get("laterSaveMedian").asLong());
        assertThat(bytes.get("laterSaveMedian").asLong()).isPositive();
        assertThat(bytes.get("variableBytes").asLong()).isPositive();
        assertThat(report.get("restoreMillis").get("cairn").asDouble()).isPositive();
        assertThat(report.get("restoreMillis").get("tfLoad").asDouble()).isPositive();

        JsonNode cases = report.get("cases");
        assertThat(cases).hasSize(7);
        assertThat(cases.get(0).get("case").asText()).isEqualTo("no saves");
        assertThat(cases.get(0).get("ratioToNoSaves").asDouble()).isEqualTo(1.0);
        List<String> keys = fields(report.get("stepsPerSecond"));
        for (int i = 0; i < cases.size(); i++) {
            JsonNode row = cases.get(i);
            assertThat(row.get("stepsPerSecond").asDouble()).as(row.toString()).isEqualTo(report.get("stepsPerSecond").get(keys.get(i)).asDouble()).isPositive();
            assertThat(row.get("ratioToNoSaves").asDouble()).as(row.toString())
                    .isCloseTo(row.get("stepsPerSecond").asDouble() / report.get("stepsPerSecond").get("none").asDouble(), within(1e-9));
            for (String figure : List.of("trainSeconds", "stepsPerSecond", "stallMedianMillis", "loadMedianMillis", "logicalBytes")) {
                JsonNode spread = row.get(figure + "Spread");
                assertThat(spread.get("median").asDouble()).as(figure + " " + row)
                        .isEqualTo(row.get(figure).asDouble())
                        .isBetween(spread.get("min").asDouble(), spread.get("max").asDouble());
            }
        }
        assertThat(cases.get(3).get("case").asText()).isEqualTo("Cairn FULL (async)");
        assertThat(report.get("stallMillis").get("async").get("median").asDouble()).isEqualTo(cases.get(3).get("stallMedianMillis").asDouble());
        assertThat(report.get("restoreMillis").get("cairn").asDouble()).isEqualTo(cases.get(3).get("loadMedianMillis").asDouble());
    }

    @Test
    void benchChildLocationsKeepTheQuery()
    {
        assertThat(BenchCommand.child("s3://b/p?endpoint=http://h:1&path-style=true", "x")).isEqualTo("s3://b/p/x?endpoint=http://h:1&path-style=true");
        assertThat(BenchCommand.child("file:/tmp/a/", "x")).isEqualTo("file:/tmp/a/x");
    }

    @Test
    void savePoliciesAndRetentionRulesCombineFromFlags()
    {
        CliRun epochs = cairn("train", "--store", temp.resolve("epochs").toString(), "--save-every-epochs", "2", "--save-on-finish", "--json");
        assertThat(epochs.exitCode()).as(epochs.toString()).isZero();
        assertThat(epochs.json().get("saved").toString()).isEqualTo("[64,128,160]");

        String best = temp.resolve("best").toString();
        CliRun run = cairn("train", "--store", best, "--save-best", "loss:min", "--keep-best", "1", "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        // the seed model's loss falls every epoch: every epoch end improves, and saves
        assertThat(run.json().get("saved").toString()).isEqualTo("[32,64,96,128,160]");
        // the best by loss is also the newest here, so exactly one is kept
        assertThat(run.json().get("retained").toString()).isEqualTo("[160]");
        JsonNode kept = Scenarios.inspectLatest(best);
        assertThat(kept.get("trainerState").get("policyState").get("best.loss").asDouble()).isEqualTo(kept.get("metrics").get("loss").asDouble());
    }

    @Test
    void chunkSizeOfANewRepositoryComesFromTheFlag()
    {
        String store = temp.resolve("small-chunks").toString();
        CliRun run = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "32", "--mode", "state", "--chunk-size", "4KiB", "--upload-threads", "2");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode checkpoint = Scenarios.inspectLatest(store);
        assertThat(checkpoint.get("chunkSize").asInt()).isEqualTo(4096);
        // the data file is cut at its tensors (chunks of at most 4 KiB, so at least as many), the other files by size
        checkpoint.get("files").forEach(file -> {
            int bySize = (int) ((file.get("size").asLong() + 4095) / 4096);
            if (file.get("path").asText().startsWith("variables/variables.data-")) {
                assertThat(file.get("chunks").size()).as(file.toString()).isGreaterThanOrEqualTo(bySize);
            }
            else {
                assertThat(file.get("chunks").size()).as(file.toString()).isEqualTo(bySize);
            }
        });
        assertThat(checkpoint.get("files").findValues("chunks").stream().mapToInt(JsonNode::size).max().orElseThrow()).isGreaterThan(1);
    }

    @Test
    void badFlagsExitTwoWithOneLineReason()
    {
        assertUsageError(cairn("train", "--store", temp.toString(), "--bogus"), "Unknown option: '--bogus'");
        assertUsageError(cairn("train"), "--store");
        assertUsageError(cairn("train", "--store", temp.toString(), "--epochs", "0"), "--epochs must be at least 1");
        assertUsageError(cairn("train", "--store", temp.toString(), "--epochs", "many"), "--epochs");
        assertUsageError(cairn("train", "--store", temp.toString(), "--mode", "everything"), "expected full, weights or state");
        assertUsageError(cairn("train", "--store", temp.toString(), "--model", "cnn:3"), "Unknown --model");
        assertUsageError(cairn("train", "--store", temp.toString(), "--data", "random:x"), "random:x");
        assertUsageError(cairn("train", "--store", temp.toString(), "--save-every", "soon"), "--save-every must be a positive duration such as 30s");
        assertUsageError(cairn("train", "--store", temp.toString(), "--save-best", "f1"), "unknown metric 'f1'");
        assertUsageError(cairn("train", "--store", temp.toString(), "--run", "x"), "--run");
        assertUsageError(cairn("inspect", "--store", temp.toString()), "--step");
        assertUsageError(cairn("frobnicate"), "frobnicate");
        assertUsageError(cairn("train", "--store", temp.toString(), "--chunk-size", "1KiB"), "--chunk-size must be a size from 4KiB to 256MiB");
        assertUsageError(cairn("train", "--store", temp.toString(), "--upload-threads", "0"), "--upload-threads must be from 1 to 64");
        assertUsageError(cairn("train", "--store", temp.resolve("repo").toString(), "--resume", "--run", "no-such-run"), "Run no-such-run does not exist");
        assertUsageError(cairn("bench", "--store", temp.toString(), "--save-every-steps", "0"), "--save-every-steps must be at least 1");
        assertUsageError(cairn("bench", "--store", temp.toString(), "--batch", "0"), "--batch must be at least 1");
        assertUsageError(cairn("bench", "--store", temp.toString(), "--loads", "0"), "--loads must be at least 1");
        assertUsageError(cairn("bench", "--store", temp.toString(), "--repeat", "0"), "--repeat must be between 1 and 100, got 0");
        assertUsageError(cairn("bench", "--store", temp.toString(), "--repeat", "101"), "--repeat must be between 1 and 100, got 101");
    }

    @Test
    void badTrainingDataExitsTwoNamingFileAndLine()
            throws IOException
    {
        Path missing = temp.resolve("missing.csv");
        assertUsageError(cairn("train", "--store", temp.resolve("a").toString(), "--data", "csv:" + missing), missing.toString());

        Path ragged = Files.writeString(temp.resolve("ragged.csv"), "x1,x2,class\n0.5,1.5,0\n0.5,1\n");
        CliRun raggedRun = cairn("train", "--store", temp.resolve("b").toString(), "--model", "mlp:2,4,2", "--data", "csv:" + ragged);
        assertUsageError(raggedRun, ragged + " line 3");
        assertThat(raggedRun.err()).doesNotContain("Starting run");

        Path narrow = Files.writeString(temp.resolve("narrow.csv"), "0.5,1.5,0\n0.25,1,1\n");
        assertUsageError(cairn("train", "--store", temp.resolve("c").toString(), "--data", "csv:" + narrow), "The data has 2 features but the model takes 100 inputs");
        // nothing was written for data that never trained
        assertThat(temp.resolve("b").resolve("runs")).doesNotExist();
    }

    @Test
    void unknownSchemeListsTheKnownOnes()
    {
        CliRun run = cairn("train", "--store", "gopher://host/x", "--epochs", "1");
        assertUsageError(run, "gopher");
        assertThat(run.err()).contains("known schemes: file");
    }

    @Test
    void readingAMissingRepositoryNamesIt()
    {
        Path missing = temp.resolve("nowhere");
        CliRun ls = cairn("ls", "--store", missing.toString());
        assertUsageError(ls, "No Cairn repository");
        assertThat(ls.err()).contains(missing.toString());
    }

    @Test
    void unwritableStoreDirectoryIsNamed()
            throws IOException
    {
        Path file = Files.write(temp.resolve("a-file"), new byte[] {1});
        CliRun run = cairn("train", "--store", file.resolve("sub").toString(), "--epochs", "1");
        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.err().lines().filter(line -> line.startsWith("cairn")).findFirst().orElseThrow()).contains(file.toString());
    }

    @Test
    void inspectShowsWhereTheRunStoodInItsData()
    {
        String store = temp.resolve("state").toString();
        assertThat(cairn(concat(stateRun(store), "--max-steps", "50")).exitCode()).isZero();
        CliRun inspect = cairn("inspect", "--store", store, "--step", "50");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        // 1000 samples in batches of 32: 32 batches an epoch, so step 50 is batch 18 of the second
        assertThat(inspect.err()).contains("Trainer state: step 50, 1 epoch(s) and 18 batch(es) done; data: 1000 samples, batch 32, seed 42, shuffled");
    }

    @Test
    void inspectOfAMissingStepListsTheSteps()
    {
        String store = temp.resolve("ckpt").toString();
        assertThat(cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--mode", "weights").exitCode()).isZero();
        CliRun inspect = cairn("inspect", "--store", store, "--step", "17");
        assertUsageError(inspect, "no checkpoint at step 17");
        assertThat(inspect.err()).contains("[16, 32]");
    }

    private String lastDataFileHash(String store)
    {
        CliRun run = cairn(stateRun(store));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return dataFileHash(inspectLatest(store));
    }

    private static String[] stateRun(String store)
    {
        return concat(new String[] {"train", "--store", store}, concat(Scenarios.SEED_FLAGS, "--mode", "state", "--save-every-steps", "10"));
    }

    private static List<String> fields(JsonNode node)
    {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
