package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.concat;
import static io.cairn.trainer.Scenarios.dataFileHash;
import static io.cairn.trainer.Scenarios.inspectLatest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cairn train} in a child JVM, signalled at a seeded random moment of its training, or during its
 * start-up, or while its last save cannot commit ({@link HeldStoreProvider} holds the child where the
 * test wants it): it saves where it stopped, exits 143 (TERM) or 130 (INT), and {@code --resume} ends with
 * the same variables as a run never interrupted; a save the grace or a second signal cuts short leaves
 * no checkpoint behind that is not whole.
 */
class TestPreemptionSignals
{
    private static final String[] FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "40", "--batch", "32", "--seed", "42", "--save-on-finish"};
    private static final long FINAL_STEP = 40 * 32;
    private static final Pattern HELD_COMMIT = Pattern.compile("held store: holding the commit of step (\\d+)");

    @TempDir
    static Path shared;

    private static String uninterruptedHash;

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource({"TERM, 143, 11", "INT, 130, 12"})
    void aSignalledRunSavesWhereItStoppedAndResumesToTheSameModel(String signal, int exitCode, long seed)
            throws Exception
    {
        String store = temp.resolve("preempted").toString();
        Child child = start(concat(new String[] {"train", "--store", store, "--json"}, FLAGS));
        // a seeded moment within the training loop: after epoch 2 has begun, up to 1.5 s more
        child.awaitErr("Epoch 2/");
        Thread.sleep(new Random(seed).nextInt(1500));
        child.signal(signal);
        String stderr = child.awaitExit();
        assertThat(child.exitCode()).as(stderr).isEqualTo(exitCode);
        JsonNode summary = child.json();
        long savedStep = summary.get("preempted").get("savedStep").asLong();
        assertThat(summary.get("preempted").get("signal").asText()).isEqualTo(signal);
        assertThat(savedStep).isPositive().isLessThan(FINAL_STEP).isEqualTo(summary.get("steps").asLong());
        assertThat(stderr).contains("cairn: SIG" + signal + ": stopping at the current step with a last save")
                .contains("Preempted by SIG" + signal + ": saved a resumable checkpoint of run " + summary.get("run").asText() + " at step " + savedStep);

        JsonNode last = inspectLatest(store);
        assertThat(last.get("step").asLong()).isEqualTo(savedStep);
        assertThat(last.get("kind").asText()).isIn("STATE", "FULL");

        // the lease was released: the resume does not wait for it to expire
        resumesToTheUninterruptedModel(store, savedStep);
    }

    @Test
    void aSignalDuringStartUpSavesTheInitialStateAndResumesToTheSameModel()
            throws Exception
    {
        String store = temp.resolve("start-up").toString();
        Path release = temp.resolve("release");
        // held while opening the store: the signals are taken over, TensorFlow is not loaded, no run started
        Child child = start(concat(new String[] {"train", "--store", "held:" + store + "?open-until=" + release, "--json"}, FLAGS));
        child.awaitErr("held store: holding opening");
        child.signal("TERM");
        child.awaitErr("cairn: SIGTERM: stopping");
        Files.createFile(release);
        String stderr = child.awaitExit();

        assertThat(child.exitCode()).as(stderr).isEqualTo(143);
        JsonNode summary = child.json();
        String run = summary.get("run").asText();
        assertThat(summary.get("steps").asLong()).isZero();
        assertThat(summary.get("preempted").get("signal").asText()).isEqualTo("TERM");
        assertThat(summary.get("preempted").get("savedStep").asLong()).isZero();
        assertThat(stderr).contains("Preempted by SIGTERM before the first step: saved a resumable checkpoint of run " + run + " at step 0 and released its lease");
        assertThat(listed(store)).containsExactly("STATE@0");

        resumesToTheUninterruptedModel(store, 0);
    }

    @Test
    void aSignalBeforeAResumedRunTrainsKeepsTheCheckpointItResumedFrom()
            throws Exception
    {
        String store = temp.resolve("resumed").toString();
        CliRun first = cairn(concat(new String[] {"train", "--store", store, "--max-steps", "100", "--save-every-steps", "50", "--json"}, FLAGS));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String run = first.json().get("run").asText();
        Path release = temp.resolve("release");
        Child child = start(concat(new String[] {"train", "--store", "held:" + store + "?open-until=" + release, "--resume", "--save-every-steps", "50", "--json"}, FLAGS));
        child.awaitErr("held store: holding opening");
        child.signal("INT");
        child.awaitErr("cairn: SIGINT: stopping");
        Files.createFile(release);
        String stderr = child.awaitExit();

        // step 100 is committed already: nothing is saved twice, nothing fails, the resume point stays
        assertThat(child.exitCode()).as(stderr).isEqualTo(130);
        JsonNode summary = child.json();
        assertThat(summary.get("run").asText()).isEqualTo(run);
        assertThat(summary.get("resumedFrom").asLong()).isEqualTo(100);
        assertThat(summary.get("saved")).isEmpty();
        assertThat(summary.get("preempted").get("signal").asText()).isEqualTo("INT");
        assertThat(summary.get("preempted").get("savedStep").asLong()).isEqualTo(100);
        assertThat(stderr).contains("Preempted by SIGINT before the first step: the checkpoint of run " + run + " at step 100, which it resumed from, already holds this state");
        assertThat(listed(store)).containsExactly("FULL@50", "FULL@100");

        resumesToTheUninterruptedModel(store, 100);
    }

    @Test
    void aLastSaveThatOutlastsTheGraceEndsTheProcessWithoutAPartialCheckpoint()
            throws Exception
    {
        String store = temp.resolve("grace").toString();
        Child child = startHeldResume(store, "--preempt-grace", "1s");
        child.awaitErr("Epoch 3/");
        long signalled = System.nanoTime();
        child.signal("TERM");
        String stderr = child.awaitExit();
        double seconds = (System.nanoTime() - signalled) / 1e9;
        System.out.printf("grace 1 s: exited %.2f s after SIGTERM%n", seconds);

        assertThat(child.exitCode()).as(stderr).isEqualTo(143);
        assertThat(stderr).contains("cairn: SIGTERM: stopping")
                .containsPattern(HELD_COMMIT)
                .contains("cairn: the preemption grace of 1 s expired before the last save finished: exiting without it; the run's lease is left to expire")
                .doesNotContain("Preempted by");
        assertThat(heldStep(stderr)).isGreaterThan(40);
        assertThat(Files.readString(child.out())).isEmpty();
        onlyTheWholeCheckpointsAreListed(store);
    }

    @Test
    void aSecondSignalDuringTheLastSaveEndsTheProcessAtOnceWithoutAPartialCheckpoint()
            throws Exception
    {
        String store = temp.resolve("second").toString();
        Child child = startHeldResume(store);
        child.awaitErr("Epoch 3/");
        child.signal("TERM");
        // the last save has written its chunks and waits to commit
        child.awaitErr("held store: holding the commit of step");
        long signalled = System.nanoTime();
        child.signal("INT");
        String stderr = child.awaitExit();
        System.out.printf("second signal: exited %.2f s after it%n", (System.nanoTime() - signalled) / 1e9);

        // the first signal names the exit code; the grace (30 s) did not end it
        assertThat(child.exitCode()).as(stderr).isEqualTo(143);
        assertThat(stderr).contains("cairn: a second signal (SIGINT): exiting now, without waiting for the last save; the run's lease is left to expire")
                .doesNotContain("grace").doesNotContain("Preempted by");
        assertThat(heldStep(stderr)).isGreaterThan(40);
        onlyTheWholeCheckpointsAreListed(store);
    }

    /**
     * Checkpoints at 20 and 40 in the store (in process), then the child resumes the run with no saves
     * of its own, on a store that holds every commit: its only save is the preemption's, which cannot
     * commit.
     */
    private Child startHeldResume(String store, String... flags)
            throws IOException
    {
        CliRun first = cairn(concat(new String[] {"train", "--store", store, "--max-steps", "40", "--save-every-steps", "20"}, FLAGS));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        String held = "held:" + store + "?commit-until=" + temp.resolve("never");
        return start(concat(concat(new String[] {"train", "--store", held, "--resume", "--save-every-steps", "100000", "--json"}, FLAGS), flags));
    }

    private static void onlyTheWholeCheckpointsAreListed(String store)
    {
        assertThat(listed(store)).containsExactly("FULL@20", "FULL@40");
        CliRun verify = cairn("verify", "--store", store);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.err()).contains("2 checkpoint(s) verified");
    }

    private static void resumesToTheUninterruptedModel(String store, long savedStep)
    {
        CliRun resumed = cairn(concat(new String[] {"train", "--store", store, "--resume", "--json"}, FLAGS));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(savedStep);
        assertThat(inspectLatest(store).get("step").asLong()).isEqualTo(FINAL_STEP);
        assertThat(dataFileHash(inspectLatest(store))).isEqualTo(uninterruptedHash());
    }

    private static synchronized String uninterruptedHash()
    {
        if (uninterruptedHash == null) {
            String whole = shared.resolve("whole").toString();
            CliRun uninterrupted = cairn(concat(new String[] {"train", "--store", whole, "--json"}, FLAGS));
            assertThat(uninterrupted.exitCode()).as(uninterrupted.toString()).isZero();
            uninterruptedHash = dataFileHash(inspectLatest(whole));
        }
        return uninterruptedHash;
    }

    private static List<String> listed(String store)
    {
        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        assertThat(ls.json().get("damaged")).isEmpty();
        List<String> listed = new ArrayList<>();
        ls.json().get("checkpoints").forEach(checkpoint -> listed.add(checkpoint.get("kind").asText() + "@" + checkpoint.get("step").asLong()));
        return listed;
    }

    private static long heldStep(String stderr)
    {
        Matcher held = HELD_COMMIT.matcher(stderr);
        assertThat(held.find()).as(stderr).isTrue();
        return Long.parseLong(held.group(1));
    }

    private Child start(String... args)
            throws IOException
    {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", Main.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(temp, "train", ".err");
        Path out = Files.createTempFile(temp, "train", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return new Child(builder.start(), err, out);
    }

    private record Child(Process process, Path err, Path out)
    {
        void awaitErr(String text)
                throws IOException, InterruptedException
        {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                if (stderr().contains(text)) {
                    return;
                }
                if (!process.isAlive()) {
                    fail("cairn train ended before '" + text + "':\n" + stderr());
                }
                Thread.sleep(20);
            }
            process.destroyForcibly();
            fail("no '" + text + "' from cairn train within 2 minutes:\n" + stderr());
        }

        void signal(String signal)
                throws IOException, InterruptedException
        {
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
        }

        /**
         * @return what the child printed on stderr
         */
        String awaitExit()
                throws IOException, InterruptedException
        {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("cairn train did not exit within 2 minutes of its signal:\n" + stderr());
            }
            return stderr();
        }

        int exitCode()
        {
            return process.exitValue();
        }

        JsonNode json()
                throws IOException
        {
            return new ObjectMapper().readTree(out.toFile());
        }

        private String stderr()
                throws IOException
        {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }
}
