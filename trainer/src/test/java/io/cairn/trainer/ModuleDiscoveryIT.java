package io.cairn.trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The packaged command line on the real module path: the {@code file:} store is found through the
 * storage module's {@code provides} clause, and TF, Guice, picocli and Jackson run as modules.
 */
class ModuleDiscoveryIT
{
    private static final long TIMEOUT_MINUTES = 2;

    @TempDir
    Path temp;

    @Test
    void trainsAndListsWithTheStoreFoundOnTheModulePath()
            throws Exception
    {
        String store = "file:" + temp.resolve("ckpt");
        Result train = cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--mode", "weights", "--json");
        assertThat(train.exitCode()).as(train.output()).isZero();

        Result ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.output()).isZero();
        assertThat(ls.output()).contains("\"step\" : 16").contains("\"step\" : 32").contains("\"kind\" : \"WEIGHTS\"");

        Result unknown = cairn("ls", "--store", "gopher://x/y");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.output()).contains("known schemes: file");
    }

    private record Result(int exitCode, String output) {}

    private Result cairn(String... args)
            throws IOException, InterruptedException
    {
        String modulePath = System.getProperty("cairn.trainer.jar") + File.pathSeparator + System.getProperty("cairn.trainer.lib");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0",
                "--module-path", modulePath,
                "-m", "io.cairn.trainer/io.cairn.trainer.Main"));
        command.addAll(List.of(args));
        // stdout and stderr go to a file, so a child that hangs cannot block the reading of its output
        Path log = Files.createTempFile(temp, "cairn-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("cairn " + String.join(" ", args) + " did not finish within " + TIMEOUT_MINUTES + " minutes and was killed; its output so far:\n"
                    + new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    }
}
