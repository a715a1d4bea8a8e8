package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One damaged object does not take a run down: the intact checkpoints stay listed, a resume falls back
 * to the newest intact one and ends bit-identical to an uninterrupted run, and the damaged step is
 * committed afresh, a damaged manifest moved to quarantine first.
 */
class TestDamagedCheckpoints
{
    private static final String DATA_FILE = "variables/variables.data-00000-of-00001";

    @ParameterizedTest
    @EnumSource(CheckpointDamage.class)
    void resumeFallsBackToTheNewestIntactCheckpointAndEndsBitIdentical(CheckpointDamage damage)
            throws IOException
    {
        String uninterrupted = lastDataFileHash(trainToEnd(new MemoryCheckpointStore()));

        MemoryCheckpointStore store = new MemoryCheckpointStore();
        SeedTraining.Outcome interrupted = train(store, false, Optional.of(73L));
        String run = interrupted.run();
        assertThat(interrupted.committed()).last().isEqualTo(70L);
        String damaged;
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            damaged = damage.inject(repository, run, 70);
        }

        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            if (damage.damagesManifest()) {
                // the listing goes on past it and names it
                assertThat(repository.checkpoints(run)).extracting(Manifest::step).containsExactly(10L, 20L, 30L, 40L, 50L, 60L);
                assertThat(repository.damagedCheckpoints()).singleElement().satisfies(bad -> {
                    assertThat(bad.step()).isEqualTo(70);
                    assertThat(bad.key()).isEqualTo(damaged);
                    assertThat(bad.reason()).contains(damaged);
                });
            }
            else {
                assertThat(repository.checkpoints(run)).extracting(Manifest::step).last().isEqualTo(70L);
                assertThat(repository.verify(repository.checkpoint(run, 70))).singleElement().asString().contains(damaged);
            }
        }

        SeedTraining.Outcome resumed = train(store, true, Optional.empty());
        assertThat(resumed.run()).isEqualTo(run);
        assertThat(resumed.resumedFrom()).map(Manifest::step).contains(60L);
        assertThat(resumed.skipped()).singleElement().satisfies(skipped -> {
            assertThat(skipped.step()).isEqualTo(70);
            assertThat(skipped.reason()).contains(damaged);
        });
        assertThat(lastDataFileHash(store)).isEqualTo(uninterrupted);

        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            List<Manifest> all = repository.checkpoints(run);
            assertThat(all).extracting(Manifest::step).containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L, 110L, 120L, 130L, 140L, 150L, 160L);
            assertThat(repository.damagedCheckpoints()).isEmpty();
            for (Manifest manifest : all) {
                assertThat(repository.verify(manifest)).as("step %d", manifest.step()).isEmpty();
            }
            List<String> quarantined = repository.catalog().quarantined(run);
            if (damage.damagesManifest()) {
                assertThat(quarantined).singleElement().satisfies(key -> assertThat(RepositoryLayout.quarantinedStep(run, key)).contains(70L));
            }
            else {
                // chunks are shared and content-addressed: the re-created step wrote the right bytes under the damaged one's name
                assertThat(quarantined).isEmpty();
            }
        }
    }

    @Test
    void aDamagedChunkSurvivesNeitherTheFirstSaveNorTheLiveCheckpointsTrust()
            throws IOException
    {
        String uninterrupted = lastDataFileHash(trainToEnd(new MemoryCheckpointStore()));
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        String run = train(store, false, Optional.of(73L)).run();
        String dataChunk;
        String indexChunk;
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            dataChunk = CheckpointDamage.DAMAGED_DATA_CHUNK.inject(repository, run, 70);
            indexChunk = CheckpointDamage.MISSING_INDEX_CHUNK.inject(repository, run, 60);
        }

        SeedTraining.Outcome resumed = train(store, true, Optional.empty());

        assertThat(resumed.resumedFrom()).map(Manifest::step).contains(50L);
        assertThat(resumed.skipped()).extracting(DamagedCheckpoint::step).containsExactly(70L, 60L);
        assertThat(resumed.skipped().get(0).reason()).contains(dataChunk);
        assertThat(resumed.skipped().get(1).reason()).contains(indexChunk);
        assertThat(lastDataFileHash(store)).isEqualTo(uninterrupted);
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            for (Manifest manifest : repository.checkpoints(run)) {
                assertThat(repository.verify(manifest)).as("step %d", manifest.step()).isEmpty();
            }
        }
    }

    @Test
    void aDamagedSavedModelDoesNotStopTheResumeWhichSavesAnIntactOne()
            throws IOException
    {
        String uninterrupted = lastDataFileHash(trainToEnd(new MemoryCheckpointStore()));
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        String run = SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.FULL, CheckpointerOptions.defaults(), false, Optional.of(73L)).run();
        String chunk;
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            // saved_model.pb is the same at every step: its chunks are shared by every checkpoint of the run
            chunk = repository.checkpoint(run, 70).file(CheckpointFiles.SAVED_MODEL_PB).orElseThrow().chunks().get(0);
            String key = RepositoryLayout.chunkKey(chunk);
            byte[] bytes = store.readAllBytes(key);
            bytes[bytes.length / 3] ^= 1;
            store.put(key, bytes);
            assertThat(repository.verify(repository.checkpoint(run, 70))).singleElement().asString().contains(chunk, CheckpointFiles.SAVED_MODEL_PB);
        }

        // the training state is intact: the resume does not fall back
        SeedTraining.Outcome resumed = SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.FULL, CheckpointerOptions.defaults(), true, Optional.empty());

        assertThat(resumed.resumedFrom()).map(Manifest::step).contains(70L);
        assertThat(resumed.skipped()).isEmpty();
        assertThat(lastDataFileHash(store)).isEqualTo(uninterrupted);
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            for (Manifest manifest : repository.checkpoints(run)) {
                if (manifest.step() <= 70) {
                    // the damaged chunk is theirs, as verify keeps saying
                    assertThat(repository.verify(manifest)).as("step %d", manifest.step()).singleElement().asString().contains(chunk);
                }
                else {
                    assertThat(repository.verify(manifest)).as("step %d", manifest.step()).isEmpty();
                }
            }
        }
    }

    @Test
    void aRunWhoseEveryCheckpointIsDamagedRefusesToResumeNamingThem()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        String run = train(store, false, Optional.of(25L)).run();
        for (long step : new long[] {10, 20}) {
            store.put(RepositoryLayout.manifestKey(run, step), "{".getBytes(StandardCharsets.UTF_8));
        }
        try (CheckpointRepository repository = CheckpointRepository.open(store); Model model = SeedTraining.model()) {
            assertThatThrownBy(() -> Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), Optional.empty()))
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining("no intact checkpoint")
                    .hasMessageContaining(RepositoryLayout.manifestKey(run, 10))
                    .hasMessageContaining(RepositoryLayout.manifestKey(run, 20));
            // it gave its lease back
            try (Checkpointer fresh = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
                assertThat(fresh.run()).isNotEqualTo(run);
            }
        }
    }

    private static SeedTraining.Outcome train(MemoryCheckpointStore store, boolean resume, Optional<Long> maxSteps)
            throws IOException
    {
        return SeedTraining.train(store, SavePolicies.everySteps(10), SaveKind.STATE, CheckpointerOptions.defaults(), resume, maxSteps);
    }

    private static MemoryCheckpointStore trainToEnd(MemoryCheckpointStore store)
            throws IOException
    {
        train(store, false, Optional.empty());
        return store;
    }

    private static String lastDataFileHash(MemoryCheckpointStore store)
            throws IOException
    {
        try (CheckpointRepository repository = CheckpointRepository.open(store)) {
            List<Manifest> checkpoints = repository.checkpoints();
            Manifest last = checkpoints.get(checkpoints.size() - 1);
            assertThat(last.step()).isEqualTo(160);
            return last.file(DATA_FILE).orElseThrow().sha256();
        }
    }
}
