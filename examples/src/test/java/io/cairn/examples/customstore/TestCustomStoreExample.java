package io.cairn.examples.customstore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class TestCustomStoreExample
{
    @TempDir
    Path directory;

    @Test
    void trainsSavesAndRestoresTheSeedModelThroughTheXorStoreFoundByItsScheme()
            throws IOException
    {
        CustomStoreExample.Result result = CustomStoreExample.run(directory.toUri().toString());

        assertThat(result.store()).isEqualTo("xor:" + directory.toUri());
        // 32 batches an epoch, 5 epochs: saves every 50 steps and at the end
        assertThat(result.committedSteps()).containsExactly(50L, 100L, 150L, 160L);
        assertThat(result.restoredStep()).isEqualTo(160L);
        assertThat(result.predictionsMatch()).isTrue();
        assertThat(result.chunks()).isPositive();
        assertThat(result.plainChunks()).isZero();
        assertThat(result.decodedChunks()).isEqualTo(result.chunks());
    }

    @Test
    void theBytesOnDiskAreNotThePlainBytes()
            throws IOException
    {
        CustomStoreExample.run(directory.toUri().toString());
        byte[] mask = XorCheckpointStoreProvider.mask(Map.of());

        // read with the file system, not the code under test: chunks are <root>/chunks/<2 hex>/<sha256>
        List<Path> chunks = files("chunks");
        assertThat(chunks).isNotEmpty();
        for (Path chunk : chunks) {
            byte[] stored = Files.readAllBytes(chunk);
            String name = chunk.getFileName().toString();
            assertThat(CustomStoreExample.sha256(stored)).as(name).isNotEqualTo(name);
            assertThat(CustomStoreExample.sha256(XorCheckpointStore.xor(stored, mask, 0))).as(name).isEqualTo(name);
        }
        // the descriptor and the manifests are JSON once XORed back, and not before
        List<Path> documents = files("runs");
        documents.add(directory.resolve("cairn-repository.json"));
        for (Path document : documents) {
            byte[] stored = Files.readAllBytes(document);
            assertThat(new String(XorCheckpointStore.xor(stored, mask, 0), UTF_8)).as(document.toString()).startsWith("{").endsWith("}");
            assertThat(stored[0]).as(document.toString()).isNotEqualTo((byte) '{');
        }
    }

    @Test
    void theReadmeShowsThisExamplesCodeAsItIs()
            throws IOException
    {
        // surefire runs in the module's directory
        String readme = Files.readString(Path.of("../README.md"));
        String test = Files.readString(Path.of("src/test/java/io/cairn/examples/customstore/TestXorCheckpointStore.java"));
        assertThat(readme).contains(test.substring(test.indexOf("import ")).strip());
        String provides = "provides io.cairn.core.store.CheckpointStoreProvider with " + XorCheckpointStoreProvider.class.getName() + ";";
        assertThat(Files.readString(Path.of("src/main/java/module-info.java"))).contains(provides);
        assertThat(readme).contains(provides);
        assertThat(Files.readString(Path.of("src/main/resources/META-INF/services/io.cairn.core.store.CheckpointStoreProvider")).strip())
                .isEqualTo(XorCheckpointStoreProvider.class.getName());
        assertThat(readme).contains("```\n" + XorCheckpointStoreProvider.class.getName() + "\n```");
    }

    private List<Path> files(String directoryName)
            throws IOException
    {
        try (Stream<Path> files = Files.walk(directory.resolve(directoryName))) {
            return files.filter(Files::isRegularFile).collect(Collectors.toCollection(ArrayList::new));
        }
    }
}
