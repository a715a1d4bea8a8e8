package io.cairn.trainer.readme;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestTrainWithGuice
{
    // surefire runs in the module's folder
    private static final Path README = Path.of("..", "README.md");
    private static final Path SOURCE = Path.of("src", "test", "java", "io", "cairn", "trainer", "readme", "TrainWithGuice.java");

    @TempDir
    Path temp;

    @Test
    void theReadmeShowsThisCode()
            throws IOException
    {
        String readme = Files.readString(README);
        String section = readme.substring(readme.indexOf("## Wire it with Guice"));
        String snippet = section.substring(section.indexOf("```java\n") + "```java\n".length(), section.indexOf("```\n", section.indexOf("```java\n") + 1));
        List<String> snippetLines = snippet.lines().map(String::strip).toList();
        List<String> sourceLines = Files.readAllLines(SOURCE).stream().map(String::strip).toList();
        assertThat(snippetLines).hasSizeGreaterThan(10);
        assertThat(Collections.indexOfSubList(sourceLines, snippetLines)).as("README's snippet, line by line, in " + SOURCE).isNotNegative();
    }

    @Test
    void theReadmeSnippetTrainsAndKeepsTheLastTwoCheckpoints()
            throws Exception
    {
        String store = "file:" + temp.resolve("ckpt");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            TrainWithGuice.main(new String[] {store});
        }
        finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("epoch 1: ").contains("epoch 5: ");
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            assertThat(repository.runs()).hasSize(1);
            assertThat(repository.checkpoints()).extracting(Manifest::step).containsExactly(100L, 150L);
            // the run's lease was released when its checkpointer closed
            assertThat(repository.gc(true, false).unreferenced()).isEmpty();
        }
    }
}
