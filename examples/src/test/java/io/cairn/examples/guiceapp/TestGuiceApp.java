package io.cairn.examples.guiceapp;

import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guice-app example: a user's application wired from Cairn's public Guice module.
 */
class TestGuiceApp
{
    @TempDir
    Path directory;

    @Test
    void trainsWithInjectedCheckpointingSavingEveryFiftyStepsAndKeepingTwo()
            throws IOException
    {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        GuiceApp.Result result = GuiceApp.run("file:" + directory, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(result.committed()).containsExactly(50L, 100L, 150L);
        assertThat(result.retained()).containsExactly(100L, 150L);
        // the application's own callback, bound through Cairn's Multibinder
        assertThat(result.epochsSeen()).isEqualTo(5);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Epoch 1: {", "Epoch 5: {");
        assertThat(directory.resolve("cairn-repository.json")).exists();
    }

    @Test
    void aStoreProviderBoundThroughTheMultibinderServesItsScheme()
            throws IOException
    {
        GuiceApp.Result result = GuiceApp.run("xor:file:" + directory, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(result.committed()).containsExactly(50L, 100L, 150L);
        // what is on disk went through the xor: store: the descriptor is no JSON as stored
        byte[] stored = Files.readAllBytes(directory.resolve("cairn-repository.json"));
        assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain("chunkSize");
    }

    @Test
    void choosingTheLocalStoreBringsNoOtherBackend()
    {
        assertThatThrownBy(() -> Class.forName("software.amazon.awssdk.core.SdkBytes")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.fs.FileSystem")).isInstanceOf(ClassNotFoundException.class);
        assertThat(CheckpointStores.discover().providers().keySet()).doesNotContain("s3", "hdfs", "viewfs").contains("file");
    }
}
