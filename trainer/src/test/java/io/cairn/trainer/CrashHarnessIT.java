package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStores;
import io.cairn.storage.s3.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The crash harness: {@code cairn train} in child JVMs, killed with SIGKILL ({@code destroyForcibly})
 * at seeded random moments of a run that saves every 5 steps and keeps the last 2, so that kills land
 * in snapshots, uploads, commits and retention deletes. After each kill every listed checkpoint
 * verifies and restores, and {@code cairn train --resume} (the killed writer's lease is taken over at
 * once: it ran on this host and its process is gone) ends with the same bytes as an uninterrupted run.
 *
 * <p>Too slow for every build (two child JVMs per kill); {@code -Pcrash} runs it, as {@code .ci/run}
 * does. {@code -Dcairn.crash.seed}, {@code .localRuns} and {@code .s3Runs} replay or narrow a run: the
 * kill of run {@code i} is drawn from {@code new Random(seed * 1_000 + i)}.
 */
@EnabledIfSystemProperty(named = "cairn.crash", matches = "true")
class CrashHarnessIT
{
    private static final long TIMEOUT_MINUTES = 2;
    private static final long SEED = Long.getLong("cairn.crash.seed", 20261202L);
    private static final int LOCAL_RUNS = Integer.getInteger("cairn.crash.localRuns", 30);
    private static final int S3_RUNS = Integer.getInteger("cairn.crash.s3Runs", 10);
    private static final String[] FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "5", "--batch", "32",
            "--mode", "state", "--save-every-steps", "5", "--keep-last", "2", "--chunk-size", "4KiB"};
    private static final long LAST_STEP = 160;
    private static final Pattern SNAPSHOT = Pattern.compile("Checkpointer - Step (\\d+): waited");
    private static final Pattern COMMITTED = Pattern.compile("committed step (\\d+):");
    private static final Pattern FIRST_SNAPSHOT = Pattern.compile("(?m)^(\\d+) \\[main\\] DEBUG .*Checkpointer - Step \\d+: waited");
    private static final Pattern LAST_COMMIT = Pattern.compile("(?m)^(\\d+) \\[\\S+\\] DEBUG .*committed step " + LAST_STEP + ":");
    private static final Pattern RESUMED = Pattern.compile("Resuming run \\S+ from step (\\d+)");
    private static final int KILLS_PER_CHAIN = 3;

    @TempDir
    Path temp;

    @Test
    void killedLocalRunsLeaveOnlyCompleteCheckpointsAndResumeBitIdentically()
            throws Exception
    {
        harness("local", LOCAL_RUNS, i -> temp.resolve("store-" + i).toString());
    }

    @Test
    void killedS3RunsLeaveOnlyCompleteCheckpointsAndResumeBitIdentically()
            throws Exception
    {
        try (S3ProxyServer server = S3ProxyServer.start()) {
            server.createBucket("crash");
            harness("s3", S3_RUNS, i -> server.uri("crash", "store-" + i));
        }
    }

    private void harness(String name, int kills, IntFunction<String> stores)
            throws Exception
    {
        long started = System.nanoTime();
        String referenceStore = stores.apply(-1);
        Child reference = train(referenceStore, false);
        assertThat(reference.exitCode()).as(reference.output()).isZero();
        String expected = finalDataFileHash(referenceStore, runOf(reference));
        // kills are drawn over the reference run's saves: from its first snapshot to its last commit, by its log's clock
        long window = millis(LAST_COMMIT, reference.output()) - millis(FIRST_SNAPSHOT, reference.output());
        long gcWindow = timed(() -> assertThat(gc(referenceStore).exitCode()).isZero());

        Map<String, Integer> phases = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        int done = 0;
        for (int chain = 0; done < kills; chain++) {
            // a chain: the run killed, then its resumes killed, KILLS_PER_CHAIN times, then resumed to the end
            String store = stores.apply(chain);
            String run = null;
            for (int link = 0; link < KILLS_PER_CHAIN && done < kills; link++, done++) {
                SplittableRandom random = new SplittableRandom(SEED * 1_000 + done);
                long delay = (long) (random.nextDouble() * window * 0.9);
                String what = name + " kill " + done + " (seed " + SEED + ", chain " + chain + ", " + (link == 0 ? "train" : "resume") + " killed "
                        + delay + " ms after its first save)";
                Child killed = trainAndKill(store, link > 0, delay);
                Observation seen = observe(store, killed);
                phases.merge(seen.phase(), 1, Integer::sum);
                lines.add(what + ": " + seen);
                assertEveryCheckpointVerifiesAndRestores(store, what + ", " + seen);
                if (!killed.killed()) {
                    assertThat(killed.exitCode()).as(what + ": " + killed.output()).isZero();
                    run = runOf(killed);
                    done++;
                    break;
                }
            }
            String what = name + " chain " + chain + " (seed " + SEED + ")";
            if (run == null) {
                Child resumed = train(store, true);
                assertThat(resumed.exitCode()).as(what + ", resume: " + resumed.output()).isZero();
                run = runOf(resumed);
            }
            assertThat(finalDataFileHash(store, run)).as(what + ": the resumed run's step " + LAST_STEP + " against the uninterrupted run's")
                    .isEqualTo(expected);
            assertEveryCheckpointVerifiesAndRestores(store, what + " after the resume");

            // then a gc, killed while it sweeps what the kills left behind (best effort: it may end first)
            SplittableRandom random = new SplittableRandom(SEED * 1_000 + 999 - chain);
            long delay = (long) ((0.5 + 0.6 * random.nextDouble()) * gcWindow);
            int before = unreferencedChunks(store);
            if (before == 0) {
                continue;
            }
            boolean gcKilled = gcAndKill(store, delay);
            int after = unreferencedChunks(store);
            String phase = !gcKilled ? "none (gc finished first)" : after == before ? "gc (before its sweep)"
                    : after == 0 ? "gc (after its sweep)" : "gc (mid-sweep)";
            phases.merge(phase, 1, Integer::sum);
            lines.add(what + ": gc killed " + delay + " ms after start: " + phase + " (" + before + " unreferenced chunks before, " + after + " after)");
            assertEveryCheckpointVerifiesAndRestores(store, what + " after the gc kill");
            assertThat(finalDataFileHash(store, run)).as(what + " after the gc kill").isEqualTo(expected);
        }
        String report = name + ": " + kills + " kills of train in " + (System.nanoTime() - started) / 1_000_000 + " ms (kill window " + window + " ms, gc "
                + gcWindow + " ms), by phase " + phases + "\n" + String.join("\n", lines) + "\n";
        System.out.print(report);
        Path target = Path.of(System.getProperty("cairn.trainer.jar")).getParent();
        Files.writeString(target.resolve("crash-harness-" + name + ".txt"), report, StandardCharsets.UTF_8);
    }

    private interface Action
    {
        void run()
                throws Exception;
    }

    private static long timed(Action action)
            throws Exception
    {
        long started = System.nanoTime();
        action.run();
        return (System.nanoTime() - started) / 1_000_000;
    }

    // the relative milliseconds slf4j-simple starts each line with
    private static long millis(Pattern line, String output)
    {
        Matcher matcher = line.matcher(output);
        assertThat(matcher.find()).as(output).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static int unreferencedChunks(String store)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            return repository.gc(true, true).unreferenced().size();
        }
    }

    /**
     * What the store and the child's debug log show after the kill, and the save phase the kill
     * most likely hit (best effort: a phase's work can be done before its log line is written).
     */
    private record Observation(String phase, long snapshotted, long committedLogged, List<Long> manifests, int unreferencedChunks)
    {
        @Override
        public String toString()
        {
            return phase + " (last snapshot " + snapshotted + ", last logged commit " + committedLogged + ", manifests " + manifests + ", "
                    + unreferencedChunks + " unreferenced chunks)";
        }
    }

    private static Observation observe(String store, Child killed)
            throws IOException
    {
        long snapshotted = last(SNAPSHOT, killed.output());
        // a resumed child commits after the step it resumed from
        long committed = Math.max(last(COMMITTED, killed.output()), last(RESUMED, killed.output()));
        List<Long> manifests;
        int unreferenced;
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            manifests = repository.checkpoints().stream().map(Manifest::step).toList();
            unreferenced = repository.gc(true, true).unreferenced().size();
        }
        long newest = manifests.isEmpty() ? 0 : manifests.get(manifests.size() - 1);
        String phase;
        if (!killed.killed()) {
            phase = "none (finished first)";
        }
        else if (snapshotted == LAST_STEP && committed == LAST_STEP) {
            phase = "exit (after the last commit)";
        }
        else if (newest > committed) {
            phase = "commit";
        }
        else if (manifests.size() > 2) {
            phase = "retention";
        }
        else if (snapshotted > committed && unreferenced > 0) {
            phase = "upload";
        }
        else if (snapshotted > committed) {
            phase = "snapshot/queued";
        }
        else if (unreferenced > 0) {
            phase = "retention";
        }
        else {
            phase = "training";
        }
        return new Observation(phase, snapshotted, committed, manifests, unreferenced);
    }

    private static long last(Pattern pattern, String output)
    {
        long last = 0;
        Matcher matcher = pattern.matcher(output);
        while (matcher.find()) {
            last = Math.max(last, Long.parseLong(matcher.group(1)));
        }
        return last;
    }

    private static void assertEveryCheckpointVerifiesAndRestores(String store, String what)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store));
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            for (Manifest manifest : repository.checkpoints()) {
                assertThat(repository.verify(manifest)).as(what + ": step " + manifest.step() + " verifies").isEmpty();
                assertThat(repository.restore(manifest, model)).as(what + ": step " + manifest.step() + " restores its trainer state").isPresent()
                            .get().extracting(state -> state.step()).isEqualTo(manifest.step());
            }
        }
    }

    private static String finalDataFileHash(String store, String run)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            Manifest last = repository.latest(run).orElseThrow();
            assertThat(last.step()).isEqualTo(LAST_STEP);
            return last.file(Scenarios.DATA_FILE).orElseThrow().sha256();
        }
    }

    private static String runOf(Child train)
            throws IOException
    {
        String output = train.output();
        JsonNode json = new ObjectMapper().readTree(output.substring(output.lastIndexOf("\n{") + 1));
        return json.get("run").asText();
    }

    private record Child(int exitCode, boolean killed, String output) {}

    private Child train(String store, boolean resume)
            throws IOException, InterruptedException
    {
        Process process = start(store, resume);
        if (!process.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.process().destroyForcibly().waitFor();
            fail("cairn train did not finish within " + TIMEOUT_MINUTES + " minutes; its output:\n" + process.output());
        }
        return new Child(process.process().exitValue(), false, process.output());
    }

    private Child trainAndKill(String store, boolean resume, long delayMillis)
            throws IOException, InterruptedException
    {
        Process process = start(store, resume);
        awaitFirstSave(process);
        boolean finished = process.process().waitFor(delayMillis, TimeUnit.MILLISECONDS);
        if (!finished) {
            process.process().destroyForcibly();
            assertThat(process.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)).isTrue();
        }
        return new Child(process.process().exitValue(), !finished, process.output());
    }

    private Child gc(String store)
            throws IOException, InterruptedException
    {
        Process process = launch(List.of("gc", "--store", store));
        if (!process.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.process().destroyForcibly().waitFor();
            fail("cairn gc did not finish within " + TIMEOUT_MINUTES + " minutes; its output:\n" + process.output());
        }
        return new Child(process.process().exitValue(), false, process.output());
    }

    // true if the kill came before gc ended
    private boolean gcAndKill(String store, long delayMillis)
            throws IOException, InterruptedException
    {
        Process process = launch(List.of("gc", "--store", store));
        if (process.process().waitFor(delayMillis, TimeUnit.MILLISECONDS)) {
            assertThat(process.process().exitValue()).as(process.output()).isZero();
            return false;
        }
        process.process().destroyForcibly();
        assertThat(process.process().waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)).isTrue();
        return true;
    }

    // waits for the child's first snapshot line: the JVM and TensorFlow have started, training runs
    private static void awaitFirstSave(Process process)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
        while (!SNAPSHOT.matcher(process.output()).find()) {
            if (!process.process().isAlive()) {
                // it ended first: a resume of a run that had saved its last step has nothing to save
                return;
            }
            if (System.nanoTime() > deadline) {
                process.process().destroyForcibly().waitFor();
                fail("cairn train never saved; its output:\n" + process.output());
            }
            Thread.sleep(2);
        }
    }

    private record Process(java.lang.Process process, Path log)
    {
        String output()
        {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Process start(String store, boolean resume)
            throws IOException
    {
        List<String> args = new ArrayList<>(List.of("train", "--store", store, "--json"));
        args.addAll(List.of(FLAGS));
        if (resume) {
            args.add("--resume");
        }
        return launch(args);
    }

    private Process launch(List<String> args)
            throws IOException
    {
        String modulePath = System.getProperty("cairn.trainer.jar") + File.pathSeparator + System.getProperty("cairn.trainer.lib");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                // each line starts with the milliseconds since start: the kill window is measured on it
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "--module-path", modulePath,
                "-m", "io.cairn.trainer/io.cairn.trainer.Main"));
        command.addAll(args);
        Path log = Files.createTempFile(temp, "cairn-", ".log");
        // output to a file: a child that hangs cannot block on a full pipe
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return new Process(builder.start(), log);
    }
}
