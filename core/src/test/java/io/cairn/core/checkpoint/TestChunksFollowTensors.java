package io.cairn.core.checkpoint;

import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.store.MemoryCheckpointStore;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The variables' data file is cut at its tensors, so a save stores the tensors that changed and
 * nothing else of it, whatever the chunk size.
 */
class TestChunksFollowTensors
{
    private static final String DATA_FILE = "variables/variables.data-00000-of-00001";
    private static final Set<String> FROZEN = Set.of("dense_1_kernel", "dense_1_bias");

    @Test
    void stateSavesOfASeedModelWithAFrozenLayerStoreExactlyTheChangedTensorsTheIndexAndTheManifest()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        // the default 4 MiB chunks: the whole 12 KiB data file would be one chunk if cut by size
        try (CheckpointRepository repository = CheckpointRepository.create(store);
                Model model = Sequential.mlp(100, 10, 5).freeze(1).seed(SeedTraining.SEED).build()) {
            model.initialize();
            List<CommittedSave> saves;
            String run;
            try (Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
                new Trainer(model).fit(SeedTraining.data(), FitOptions.of(5, 32, SeedTraining.SEED),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(50), SaveKind.STATE, false)));
                checkpointer.awaitPending();
                saves = checkpointer.committedSaves();
                run = checkpointer.run();
            }
            assertThat(saves).extracting(CommittedSave::step).containsExactly(50L, 100L, 150L);

            Set<String> stored = new HashSet<>();
            for (CommittedSave save : saves) {
                Manifest manifest = repository.checkpoint(run, save.step());
                Manifest.FileEntry data = manifest.file(DATA_FILE).orElseThrow();
                Manifest.FileEntry index = manifest.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow();
                List<Long> dataLengths = manifest.chunkLengths(data);
                long changedTensors = manifest.variables().stream()
                        .filter(variable -> stored.isEmpty() || !FROZEN.contains(variable.name()))
                        .mapToLong(TestChunksFollowTensors::byteSize)
                        .sum();
                long newIndexBytes = newBytes(manifest, index, stored);
                long manifestBytes = blobLength(store, RepositoryLayout.manifestKey(run, save.step()));

                // one chunk per tensor, each chunk as long as its tensor
                assertThat(dataLengths).containsExactlyInAnyOrderElementsOf(manifest.variables().stream().map(TestChunksFollowTensors::byteSize).toList());
                assertThat(newBytes(manifest, data, stored)).as("data bytes stored at step " + save.step()).isEqualTo(changedTensors);
                assertThat(save.bytesAdded()).as("bytes added at step " + save.step()).isEqualTo(changedTensors + newIndexBytes + manifestBytes);
                if (!stored.isEmpty()) {
                    assertThat(data.chunks().stream().filter(stored::contains).count()).as("the frozen layer's two tensors are the chunks kept").isEqualTo(2);
                    assertThat(newIndexBytes).as("the index, which holds every tensor's checksum, is stored again").isEqualTo(index.size());
                }
                for (Manifest.FileEntry file : manifest.files()) {
                    List<Long> lengths = manifest.chunkLengths(file);
                    for (int i = 0; i < file.chunks().size(); i++) {
                        assertThat(blobLength(store, RepositoryLayout.chunkKey(file.chunks().get(i)))).isEqualTo(lengths.get(i));
                    }
                    stored.addAll(file.chunks());
                }
                System.out.printf("step %d: bytesAdded %d = changed tensors %d + index %d + manifest %d (data file %d bytes in %d chunks)%n",
                        save.step(), save.bytesAdded(), changedTensors, newIndexBytes, manifestBytes, data.size(), data.chunks().size());
            }
            assertThat(repository.verify(repository.checkpoint(run, 150))).isEmpty();
        }
    }

    @Test
    void aTensorLargerThanTheChunkSizeIsCutIntoChunkSizePiecesAndRestores()
            throws IOException
    {
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        float[][] probe = {new float[100], new float[100]};
        probe[0][3] = 1;
        probe[1][42] = -2;
        try (CheckpointRepository repository = CheckpointRepository.create(store, 4096, 2);
                Model trained = Sequential.mlp(100, 20, 5).seed(SeedTraining.SEED).build();
                Model restored = Sequential.mlp(100, 20, 5).seed(7).build()) {
            trained.initialize();
            restored.initialize();
            String run;
            try (Checkpointer checkpointer = Checkpointer.startRun(repository, trained, CheckpointerOptions.defaults())) {
                new Trainer(trained).fit(SeedTraining.data(), FitOptions.of(1, 32, SeedTraining.SEED).withMaxSteps(10),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(10), SaveKind.STATE, false)));
                checkpointer.awaitPending();
                run = checkpointer.run();
            }
            Manifest manifest = repository.checkpoint(run, 10);
            Manifest.FileEntry data = manifest.file(DATA_FILE).orElseThrow();

            // dense_1_kernel and its two Adam slots are 8,000 bytes each: 4,096 and 3,904
            List<Long> expected = manifest.variables().stream()
                    .map(TestChunksFollowTensors::byteSize)
                    .flatMap(size -> size > 4096 ? Stream.of(4096L, size - 4096) : Stream.of(size))
                    .toList();
            assertThat(manifest.chunkLengths(data)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(manifest.chunkLengths(data)).filteredOn(length -> length == 3904L).hasSize(3);
            assertThat(repository.verify(manifest)).isEmpty();
            repository.restore(manifest, restored);
            assertThat(restored.predict(probe)).isDeepEqualTo(trained.predict(probe));
        }
    }

    private static long byteSize(Manifest.VariableEntry variable)
    {
        assertThat(variable.dtype()).isEqualTo("FLOAT");
        return 4 * variable.shape().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
    }

    /**
     * The bytes of the file's chunks no earlier checkpoint holds.
     */
    private static long newBytes(Manifest manifest, Manifest.FileEntry file, Set<String> stored)
    {
        List<Long> lengths = manifest.chunkLengths(file);
        Set<String> seen = new HashSet<>(stored);
        long bytes = 0;
        for (int i = 0; i < file.chunks().size(); i++) {
            if (seen.add(file.chunks().get(i))) {
                bytes += lengths.get(i);
            }
        }
        return bytes;
    }

    private static long blobLength(MemoryCheckpointStore store, String key)
            throws IOException
    {
        try (InputStream in = store.read(key)) {
            return in.readAllBytes().length;
        }
    }
}
