package io.cairn.trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code bin/cairn} as a user runs it, on the jar {@code package} built: its first line is Cairn's,
 * not TensorFlow's native start-up noise, unless {@code CAIRN_LOG_LEVEL=debug} asks for it.
 */
class QuietStartIT
{
    private static final long TIMEOUT_MINUTES = 2;

    @TempDir
    Path temp;

    @Test
    void aFreshTrainPrintsCairnsLineFirstAndNoTensorFlowNativeLine()
            throws Exception
    {
        Result train = cairn(Map.of(), "train", "--store", temp.resolve("ckpt").toString(), "--epochs", "1", "--save-every-steps", "16", "--mode", "weights");
        assertThat(train.exitCode()).as(train.output()).isZero();
        List<String> lines = train.output().lines().toList();
        assertThat(lines.get(0)).as(train.output()).startsWith("Starting run");
        assertThat(lines).as(train.output()).noneMatch(QuietStartIT::isTensorFlowNative);
        // the filter passes the last line on before the launcher exits
        assertThat(lines.get(lines.size() - 1)).startsWith("Run ").contains("saved [16, 32]");
    }

    @Test
    void debugLogLevelShowsTensorFlowsLinesAgainAndExitCodesPassThrough()
            throws Exception
    {
        Result debug = cairn(Map.of("CAIRN_LOG_LEVEL", "debug"), "train", "--store", temp.resolve("ckpt").toString(), "--epochs", "1", "--save-every-steps", "16");
        assertThat(debug.exitCode()).as(debug.output()).isZero();
        assertThat(debug.output().lines()).as(debug.output()).anyMatch(QuietStartIT::isTensorFlowNative);

        Result missing = cairn(Map.of(), "ls", "--store", temp.resolve("nowhere").toString());
        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("No Cairn repository");
    }

    @Test
    void aFlightRecordingOfATrainingRunIsWrittenWhenTheLauncherExits()
            throws Exception
    {
        // the launcher ends with System.exit, whose shutdown hooks write the recording (Runtime.halt left an empty file)
        Path recording = temp.resolve("train.jfr");
        Result train = cairn(Map.of("CAIRN_JAVA_OPTS", "-XX:StartFlightRecording=filename=" + recording), "train", "--store", temp.resolve("ckpt").toString(),
                "--epochs", "1", "--save-every-steps", "16");
        assertThat(train.exitCode()).as(train.output()).isZero();
        assertThat(recording).isNotEmptyFile();
        Process summary = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "summary", recording.toString())
                .redirectErrorStream(true)
                .start();
        String text = new String(summary.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(summary.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)).isTrue();
        assertThat(summary.exitValue()).as(text).isZero();
        assertThat(text).contains("jdk.Shutdown", "jdk.JVMInformation");
    }

    private static boolean isTensorFlowNative(String line)
    {
        return line.contains("absl::InitializeLog()") || line.matches("^I\\d{4} .*\\.cc:\\d+\\] .*");
    }

    private record Result(int exitCode, String output) {}

    private Result cairn(Map<String, String> environment, String... args)
            throws IOException, InterruptedException
    {
        Path jar = Path.of(System.getProperty("cairn.trainer.jar"));
        Path root = jar.getParent().getParent().getParent();
        // package has just built the jar: mark it current, so the launcher runs it and builds nothing
        Files.setLastModifiedTime(Files.write(jar.getParent().resolve(".cairn-built"), new byte[0]), FileTime.from(Instant.now()));
        List<String> command = new ArrayList<>(List.of(root.resolve("bin").resolve("cairn").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(temp, "cairn-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        builder.environment().remove("CAIRN_LOG_LEVEL");
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("bin/cairn " + String.join(" ", args) + " did not finish within " + TIMEOUT_MINUTES + " minutes and was killed; its output so far:\n"
                    + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    }
}
