package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static io.cairn.trainer.Scenarios.inspectLatest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code export --serving-base}: the version directories TF Serving polls, never half-written.
 */
class TestCairnCommandExport
{
    @TempDir
    Path temp;

    @Test
    void servingBaseGetsVersionOneThenTwoEachLoadingInTensorFlowAndNoTempLeft()
            throws IOException
    {
        String store = trainFull();
        Path base = temp.resolve("serving");
        CliRun first = cairn("export", "--store", store, "--latest", "--serving-base", base.toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).contains("as version 1 to " + base.resolve("1"));
        CliRun second = cairn("export", "--store", store, "--step", "100", "--serving-base", "file:" + base);
        assertThat(second.exitCode()).as(second.toString()).isZero();

        assertThat(names(base)).containsExactly("1", "2");
        for (String version : List.of("1", "2")) {
            assertThat(names(base.resolve(version))).containsExactly("saved_model.pb", "variables");
            assertServes(base.resolve(version));
        }
    }

    @Test
    void servingBaseVersionPicksOneAndRefusesAnExistingOne()
            throws IOException
    {
        String store = trainFull();
        Path base = temp.resolve("serving");
        assertThat(cairn("export", "--store", store, "--latest", "--serving-base", base.toString(), "--version", "7").exitCode()).isZero();
        assertServes(base.resolve("7"));

        CliRun again = cairn("export", "--store", store, "--latest", "--serving-base", base.toString(), "--version", "7");
        assertUsageError(again, "Version 7 already exists");
        assertThat(again.err()).contains("(8)");

        assertThat(cairn("export", "--store", store, "--latest", "--serving-base", base.toString()).exitCode()).isZero();
        assertThat(names(base)).containsExactly("7", "8");

        assertUsageError(cairn("export", "--store", store, "--latest", "--to", temp.resolve("out").toString(), "--version", "3"), "--version picks the version of --serving-base");
        assertUsageError(cairn("export", "--store", store, "--latest", "--serving-base", base.toString(), "--to", temp.resolve("out").toString()), "mutually exclusive");
        assertUsageError(cairn("export", "--store", store, "--latest"), "--serving-base");
        assertThat(cairn("export", "--help").out()).contains("--serving-base").contains("--version=N");
    }

    @Test
    void servingBaseRefusesACheckpointThatIsNotFullNamingItsKind()
    {
        String store = temp.resolve("ckpt").toString();
        assertThat(cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "16", "--mode", "state").exitCode()).isZero();
        Path base = temp.resolve("serving");
        CliRun export = cairn("export", "--store", store, "--latest", "--serving-base", base.toString());
        assertUsageError(export, "is STATE, not a SavedModel: --serving-base needs a FULL checkpoint");
        assertThat(base).doesNotExist();
    }

    @Test
    void aFailedServingExportLeavesNoTempDirectoryAndNoVersion()
            throws IOException
    {
        Path root = temp.resolve("ckpt");
        String store = root.toString();
        assertThat(cairn("train", "--store", store, "--epochs", "1", "--save-every-steps", "32", "--mode", "full").exitCode()).isZero();
        String chunk = inspectLatest(store).get("files").findValues("chunks").stream()
                .filter(node -> node.size() > 0)
                .reduce((first, second) -> second).orElseThrow().get(0).asText();
        Files.delete(root.resolve("chunks").resolve(chunk.substring(0, 2)).resolve(chunk));

        Path base = temp.resolve("serving");
        CliRun export = cairn("export", "--store", store, "--latest", "--serving-base", base.toString());
        assertThat(export.exitCode()).as(export.toString()).isEqualTo(1);
        assertThat(export.err()).contains(chunk);
        assertThat(names(base)).isEmpty();
    }

    @Test
    void onAStoreSavedModelPbIsWrittenLastAndAFailureDeletesWhatWasWritten()
            throws IOException
    {
        String store = trainFull();
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store))) {
            Manifest latest = repository.checkpoints().get(1);
            RecordingStore serving = new RecordingStore(new MemoryCheckpointStore(), Integer.MAX_VALUE);
            assertThat(repository.exportServingVersion(latest, serving, OptionalLong.empty())).isEqualTo(1);
            assertThat(repository.exportServingVersion(latest, serving, OptionalLong.empty())).isEqualTo(2);
            assertThat(serving.written).hasSize(6).contains("1/variables/variables.index", "2/variables/variables.data-00000-of-00001");
            assertThat(serving.written.get(2)).isEqualTo("1/saved_model.pb");
            assertThat(serving.written.get(5)).isEqualTo("2/saved_model.pb");

            RecordingStore failing = new RecordingStore(new MemoryCheckpointStore(), 2);
            assertThatThrownBy(() -> repository.exportServingVersion(latest, failing, OptionalLong.empty())).hasMessageContaining("refused");
            assertThat(failing.list("")).isEmpty();
        }
    }

    private String trainFull()
    {
        String store = temp.resolve("ckpt").toString();
        CliRun train = cairn("train", "--store", store, "--save-every-steps", "50", "--mode", "full", "--keep-last", "2");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        return store;
    }

    static void assertServes(Path savedModel)
    {
        float[][] input = new float[2][100];
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), "serve");
                TFloat32 x = Model.matrix(input);
                Result result = bundle.function("serving_default").call(Map.of("x", x))) {
            assertThat(((TFloat32) result.get("y").orElseThrow()).shape().asArray()).containsExactly(2, 5);
        }
    }

    private static List<String> names(Path directory)
            throws IOException
    {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * Records the order of writes; refuses every write after the first {@code allowed}.
     */
    private static final class RecordingStore
            extends ForwardingCheckpointStore
    {
        private final List<String> written = new ArrayList<>();
        private final int allowed;

        RecordingStore(CheckpointStore delegate, int allowed)
        {
            super(delegate);
            this.allowed = allowed;
        }

        @Override
        public void write(String key, InputStream data, long length)
                throws IOException
        {
            if (written.size() == allowed) {
                throw new IOException("Write of " + key + " refused");
            }
            super.write(key, data, length);
            written.add(key);
        }
    }
}
