package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Java snippets, as written there (with the README's {@code file:./ckpt} pointing at a
 * temporary directory), so that they compile and do what the README says.
 */
class TestReadmeSnippets
{
    @TempDir
    Path directory;

    @Test
    void fromJava()
            throws IOException
    {
        String uri = "file:" + directory.resolve("ckpt");
        // README, "From Java"
        try (CheckpointStore store = CheckpointStores.discover().open(uri);
                CheckpointRepository repository = CheckpointRepository.create(store);
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults()
                    .withRetention(RetentionPolicy.keepLast(2)))) {
                new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(5, 32, 42),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.FULL, false)));
            }   // close() waits for pending saves and reports a failed one
            assertThat(repository.checkpoints()).extracting(Manifest::step).containsExactly(100L, 150L);
        }
    }

    @Test
    void chooseAStore()
            throws IOException
    {
        String uri = "file:" + directory.resolve("ckpt");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        // README, "Choose a store" (System.out is `out` here)
        try (CheckpointStore store = CheckpointStores.discover().open(uri);
                CheckpointRepository repository = CheckpointRepository.create(store)) {
            out.println(repository.runs());
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("[]" + System.lineSeparator());
        assertThat(directory.resolve("ckpt").resolve("cairn-repository.json")).exists();
    }
}
