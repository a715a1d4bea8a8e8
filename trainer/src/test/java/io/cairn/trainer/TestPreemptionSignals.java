package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.dataFileHash;
import static io.cairn.trainer.Scenarios.inspectLatest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cairn train} in a child JVM, signalled at a seeded random moment of its training: it saves
 * where it stopped, exits 143 (TERM) or 130 (INT), and {@code --resume} ends with the same variables as
 * a run never interrupted.
 */
class TestPreemptionSignals
{
    private static final String[] FLAGS = {"--model", "mlp:100,10,5", "--data", "random:1000", "--epochs", "40", "--batch", "32", "--seed", "42", "--save-on-finish"};
    private static final long FINAL_STEP = 40 * 32;

    @TempDir
    Path temp;

    @ParameterizedTest
    @CsvSource({"TERM, 143, 11", "INT, 130, 12"})
    void aSignalledRunSavesWhereItStoppedAndResumesToTheSameModel(String signal, int exitCode, long seed)
            throws Exception
    {
        String store = temp.resolve("preempted").toString();
        Path err = temp.resolve("train.err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", Main.class.getName(),
                "train", "--store", store, "--json"));
        command.addAll(List.of(FLAGS));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(temp.resolve("train.out").toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process process = builder.start();
        // a seeded moment within the training loop: after epoch 2 has begun, up to 1.5 s more
        waitFor(err, "Epoch 2/", process);
        Thread.sleep(new Random(seed).nextInt(1500));
        if (signal.equals("TERM")) {
            process.destroy();
        }
        else {
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor()).isZero();
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("cairn train did not exit after SIG" + signal + ":\n" + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(stderr).isEqualTo(exitCode);
        JsonNode summary = new ObjectMapper().readTree(temp.resolve("train.out").toFile());
        long savedStep = summary.get("preempted").get("savedStep").asLong();
        assertThat(summary.get("preempted").get("signal").asText()).isEqualTo(signal);
        assertThat(savedStep).isPositive().isLessThan(FINAL_STEP).isEqualTo(summary.get("steps").asLong());
        assertThat(stderr).contains("Preempted by SIG" + signal + ": saved a resumable checkpoint of run " + summary.get("run").asText() + " at step " + savedStep);

        JsonNode last = inspectLatest(store);
        assertThat(last.get("step").asLong()).isEqualTo(savedStep);
        assertThat(last.get("kind").asText()).isIn("STATE", "FULL");

        // the lease was released: the resume does not wait for it to expire
        CliRun resumed = cairn(Scenarios.concat(new String[] {"train", "--store", store, "--resume", "--json"}, FLAGS));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(savedStep);
        String whole = temp.resolve("whole").toString();
        CliRun uninterrupted = cairn(Scenarios.concat(new String[] {"train", "--store", whole, "--json"}, FLAGS));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.toString()).isZero();
        assertThat(inspectLatest(store).get("step").asLong()).isEqualTo(FINAL_STEP);
        assertThat(dataFileHash(inspectLatest(store))).isEqualTo(dataFileHash(inspectLatest(whole)));
    }

    private static void waitFor(Path err, String text, Process process)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (Files.exists(err) && Files.readString(err, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                fail("cairn train ended before '" + text + "':\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        fail("no '" + text + "' from cairn train within 2 minutes:\n" + Files.readString(err) + File.separator);
    }
}
