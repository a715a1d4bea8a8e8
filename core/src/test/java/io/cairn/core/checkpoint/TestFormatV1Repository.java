package io.cairn.core.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A repository written in manifest format version 1 (fixed-size chunks, no recorded lengths), checked
 * in under {@code format-v1/}, stays readable: listed, verified, restored, and resumed into format 2.
 */
class TestFormatV1Repository
{
    private static final String RUN = "20261201T234548677Z-d34d70";

    @Test
    void listsAndVerifiesEveryCheckpoint()
            throws Exception
    {
        try (CheckpointRepository repository = CheckpointRepository.open(fixture())) {
            List<Manifest> checkpoints = repository.checkpoints();

            assertThat(checkpoints).extracting(Manifest::run).containsOnly(RUN);
            assertThat(checkpoints).extracting(Manifest::step).containsExactly(50L, 100L);
            assertThat(checkpoints).extracting(Manifest::formatVersion).containsOnly(Manifest.FIXED_CHUNKS_FORMAT_VERSION);
            assertThat(checkpoints).extracting(Manifest::chunkSize).containsOnly(4096);
            Manifest.FileEntry data = checkpoints.get(1).file("variables/variables.data-00000-of-00001").orElseThrow();
            assertThat(data.chunkSizes()).isNull();
            assertThat(checkpoints.get(1).chunkLengths(data)).containsExactly(4096L, 4096L, 4096L, 500L);
            for (Manifest manifest : checkpoints) {
                assertThat(repository.verify(manifest)).as("step " + manifest.step()).isEmpty();
            }
        }
    }

    @Test
    void restoresIntoAFreshModelThatThenPredictsAsTheTrainedOneDid()
            throws Exception
    {
        JsonNode expected = new ObjectMapper().readTree(resource("format-v1/predictions-at-step-100.json").toFile());
        float[][] input = new ObjectMapper().treeToValue(expected.get("input"), float[][].class);
        float[][] predictions = new ObjectMapper().treeToValue(expected.get("predictions"), float[][].class);
        try (CheckpointRepository repository = CheckpointRepository.open(fixture());
                Model model = Sequential.mlp(100, 10, 5).seed(7).build()) {
            model.initialize();
            assertThat(model.predict(input)[0][0]).as("another seed predicts otherwise").isNotCloseTo(predictions[0][0], within(1e-6f));

            Optional<TrainerState> state = repository.restore(repository.checkpoint(RUN, 100), model);

            assertThat(state.orElseThrow().step()).isEqualTo(100);
            float[][] actual = model.predict(input);
            for (int row = 0; row < predictions.length; row++) {
                for (int column = 0; column < predictions[row].length; column++) {
                    assertThat(actual[row][column]).isCloseTo(predictions[row][column], within(1e-6f));
                }
            }
        }
    }

    @Test
    void restoringIntoAModelOfOtherShapesFailsNamingTheVariable()
            throws Exception
    {
        try (CheckpointRepository repository = CheckpointRepository.open(fixture());
                Model other = Sequential.mlp(100, 12, 5).seed(1).build()) {
            other.initialize();

            assertThatThrownBy(() -> repository.restore(repository.checkpoint(RUN, 100), other))
                    .isInstanceOf(ModelMismatchException.class)
                    .hasMessageContaining("dense_1_kernel")
                    .hasMessageContaining("[100, 10]")
                    .hasMessageContaining("[100, 12]");
        }
    }

    @Test
    void aResumedRunAddsFormatVersion2CheckpointsBesideTheOldOnes()
            throws Exception
    {
        MemoryCheckpointStore store = fixture();
        try (CheckpointRepository repository = CheckpointRepository.open(store);
                Model model = SeedTraining.model()) {
            try (Checkpointer checkpointer = Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.of(RUN))) {
                assertThat(checkpointer.resumedFrom().orElseThrow().step()).isEqualTo(100);
                new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).resumingFrom(checkpointer.resumeState().orElseThrow()),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.STATE, false)));
                checkpointer.awaitPending();
            }
            List<Manifest> checkpoints = repository.checkpoints(RUN);

            assertThat(checkpoints).extracting(Manifest::step).containsExactly(50L, 100L, 150L);
            assertThat(checkpoints).extracting(Manifest::formatVersion).containsExactly(1, 1, Manifest.FORMAT_VERSION);
            for (Manifest manifest : checkpoints) {
                assertThat(repository.verify(manifest)).as("step " + manifest.step()).isEmpty();
            }
        }
    }

    /**
     * The checked-in repository, copied into a fresh in-memory store so a test can write to it.
     */
    private static MemoryCheckpointStore fixture()
            throws IOException, URISyntaxException
    {
        Path root = resource("format-v1/repository/cairn-repository.json").getParent();
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                store.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        return store;
    }

    private static Path resource(String name)
            throws URISyntaxException
    {
        return Path.of(TestFormatV1Repository.class.getResource("/" + name).toURI());
    }
}
