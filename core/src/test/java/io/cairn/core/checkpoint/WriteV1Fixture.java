package io.cairn.core.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.model.Model;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class WriteV1Fixture
{
    @Test
    void write()
            throws Exception
    {
        Path out = Path.of(System.getProperty("fixture.dir"));
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
        float[][] predictions;
        try (Model model = SeedTraining.model()) {
            try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
                new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED).withMaxSteps(100),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.STATE, false)));
                checkpointer.awaitPending();
            }
            predictions = model.predict(input());
        }
        repository.close();
        for (String key : store.keys()) {
            if (key.contains("/lease/")) {
                continue;
            }
            Path file = out.resolve("repository").resolve(key);
            Files.createDirectories(file.getParent());
            try (var in = store.read(key)) {
                Files.write(file, in.readAllBytes());
            }
        }
        Files.write(out.resolve("predictions-at-step-100.json"), new ObjectMapper().writeValueAsBytes(Map.of("input", input(), "predictions", predictions)));
    }

    static float[][] input()
    {
        float[][] input = new float[3][100];
        for (int i = 0; i < 100; i++) {
            input[0][i] = i / 100f;
            input[1][i] = -i / 50f;
            input[2][i] = (i % 7) - 3;
        }
        return input;
    }
}
