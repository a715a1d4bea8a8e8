package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TestSyncSaves
{
    @Test
    void firstSyncSaveOfAFreshCheckpointerNeverRacesTheWarmUp()
            throws IOException
    {
        // the race needs the warm-up still running when the save starts: repeat to make it show
        for (int attempt = 0; attempt < 20; attempt++) {
            MemoryCheckpointStore store = new MemoryCheckpointStore();
            CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
            try (Model model = Sequential.mlp(100, 10, 5).seed(attempt).build()) {
                model.initialize();
                try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults().withSync(true))) {
                    checkpointer.save(SaveKind.WEIGHTS, TrainerState.atStep(5), Map.of("loss", 1.5));

                    assertThat(repository.checkpoints(checkpointer.run())).as("attempt %d", attempt).extracting(Manifest::step).containsExactly(5L);
                }
            }
        }
    }
}
