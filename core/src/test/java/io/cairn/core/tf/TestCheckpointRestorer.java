package io.cairn.core.tf;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.Sequential;
import io.cairn.core.model.VariableRole;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.proto.BundleEntryProto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.cairn.core.repository.RepositoryLayout.chunkKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A restore reads each tensor straight from its verified chunks: the same bytes TF's {@code RestoreV2}
 * reads from the files, whichever way the data file was cut, and nothing assigned when anything fails.
 */
class TestCheckpointRestorer
{
    private static final String DATA = CheckpointFiles.VARIABLES_PREFIX + ".data-00000-of-00001";
    private static final int CHUNK = 4096;

    @TempDir
    Path directory;

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final Set<String> readKeys = ConcurrentHashMap.newKeySet();
    private ChunkStore chunks;
    private Model trained;

    @BeforeEach
    void trainAModel()
    {
        chunks = new ChunkStore(new ForwardingCheckpointStore(store)
        {
            @Override
            public InputStream read(String key)
                    throws IOException
            {
                readKeys.add(key);
                return super.read(key);
            }
        }, CHUNK, 3);
        trained = Sequential.mlp(100, 10, 5).seed(42).build();
        trained.initialize();
        float[][] x = new float[4][100];
        float[][] y = new float[4][5];
        for (int row = 0; row < 4; row++) {
            x[row][row] = 1;
            y[row][row] = 1;
        }
        for (int step = 0; step < 3; step++) {
            // Adam's slots are non-zero after a step
            trained.trainStep(x, y);
        }
    }

    @AfterEach
    void close()
    {
        chunks.close();
        trained.close();
    }

    @Test
    void tensorsAreByteIdenticalToWhatRestoreV2Reads()
            throws IOException
    {
        Manifest manifest = checkpoint(false);

        assertReadsAsRestoreV2(manifest);
    }

    @Test
    void fixedSizeChunksThatSpanTensorsReadByteIdentically()
            throws IOException
    {
        Manifest manifest = checkpoint(true);
        Manifest.FileEntry data = manifest.file(DATA).orElseThrow();
        List<BundleEntryProto> entries = List.copyOf(TensorBundleIndex.read(directory.resolve(CheckpointFiles.VARIABLES_INDEX)).tensors().values());

        assertThat(manifest.formatVersion()).isEqualTo(Manifest.FIXED_CHUNKS_FORMAT_VERSION);
        assertThat(data.chunkSizes()).isNull();
        assertThat(entries).as("a tensor spans chunks").anyMatch(entry -> entry.getOffset() / CHUNK != (entry.getOffset() + entry.getSize() - 1) / CHUNK);
        assertThat(entries).as("a chunk holds several tensors").anyMatch(entry -> entries.stream()
                .anyMatch(other -> other != entry && other.getOffset() / CHUNK == entry.getOffset() / CHUNK));
        assertReadsAsRestoreV2(manifest);
    }

    @Test
    void aRestoredModelPredictsAsTheTrainedOne()
            throws IOException
    {
        float[][] probe = probe();
        for (boolean fixedChunks : new boolean[] {false, true}) {
            Manifest manifest = checkpoint(fixedChunks);
            try (Model fresh = freshModel()) {
                new CheckpointRestorer(chunks).restore(manifest, fresh);

                assertThat(fresh.predict(probe)).isDeepEqualTo(trained.predict(probe));
                assertThat(variableBytes(fresh)).containsExactlyEntriesOf(variableBytes(trained));
            }
        }
    }

    @Test
    void aWeightsRestoreFetchesOnlyTheWeightsChunksAndLeavesTheOptimizerState()
            throws IOException
    {
        Manifest manifest = checkpoint(false);
        try (Model fresh = freshModel()) {
            Map<String, byte[]> before = variableBytes(fresh);
            readKeys.clear();

            new CheckpointRestorer(chunks).restoreWeights(manifest, fresh);

            Map<String, byte[]> after = variableBytes(fresh);
            Map<String, byte[]> expected = variableBytes(trained);
            for (ModelVariable variable : fresh.variables()) {
                assertThat(after.get(variable.name())).as(variable.name())
                        .isEqualTo(variable.role() == VariableRole.WEIGHT ? expected.get(variable.name()) : before.get(variable.name()));
            }
            long weightBytes = fresh.variables().stream().filter(variable -> variable.role() == VariableRole.WEIGHT).mapToLong(ModelVariable::byteSize).sum();
            Manifest.FileEntry data = manifest.file(DATA).orElseThrow();
            List<Long> lengths = manifest.chunkLengths(data);
            long dataBytesRead = 0;
            for (int chunk = 0; chunk < data.chunks().size(); chunk++) {
                dataBytesRead += readKeys.contains(chunkKey(data.chunks().get(chunk))) ? lengths.get(chunk) : 0;
            }
            assertThat(dataBytesRead).isEqualTo(weightBytes);
        }
    }

    @Test
    void aDamagedDataChunkFailsNamingItAndAssignsNothing()
            throws IOException
    {
        Manifest manifest = checkpoint(false);
        List<String> dataChunks = manifest.file(DATA).orElseThrow().chunks();
        // the last chunk: every other tensor is read before it fails
        int damaged = dataChunks.size() - 1;
        byte[] bytes = store.readAllBytes(chunkKey(dataChunks.get(damaged)));
        bytes[bytes.length / 2] ^= 1;
        store.put(chunkKey(dataChunks.get(damaged)), bytes);

        assertRestoreFailsAssigningNothing(manifest, "Chunk " + dataChunks.get(damaged) + " (chunk " + damaged + " of " + DATA + " in run run step 1) is damaged");
    }

    @Test
    void aMissingDataChunkFailsNamingItAndAssignsNothing()
            throws IOException
    {
        Manifest manifest = checkpoint(true);
        List<String> dataChunks = manifest.file(DATA).orElseThrow().chunks();
        store.delete(List.of(chunkKey(dataChunks.get(1))));

        assertRestoreFailsAssigningNothing(manifest, "Chunk " + dataChunks.get(1) + " (chunk 1 of " + DATA + " in run run step 1) is missing from " + store.location());
    }

    @Test
    void aDamagedIndexFailsNamingItAndAssignsNothing()
            throws IOException
    {
        Manifest manifest = checkpoint(false);
        String index = manifest.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow().chunks().get(0);
        byte[] bytes = store.readAllBytes(chunkKey(index));
        bytes[3] ^= 1;
        store.put(chunkKey(index), bytes);

        assertRestoreFailsAssigningNothing(manifest, "Chunk " + index + " (chunk 0 of " + CheckpointFiles.VARIABLES_INDEX + " in run run step 1) is damaged");
    }

    @Test
    void anIndexThatIsNoTensorBundleIsCorrupt()
            throws IOException
    {
        Manifest manifest = checkpoint(false);
        byte[] garbage = new byte[300];
        new Random(1).nextBytes(garbage);
        Manifest.FileEntry index = chunks.putFile(CheckpointFiles.VARIABLES_INDEX, garbage, new UploadSession());
        Manifest withGarbage = withFiles(manifest, List.of(index, manifest.file(DATA).orElseThrow()), manifest.variables());

        assertRestoreFailsAssigningNothing(withGarbage, "Tensor bundle index " + CheckpointFiles.VARIABLES_INDEX + " of checkpoint run run step 1 is malformed");
    }

    @Test
    void anIndexThatDisagreesWithTheManifestNamesTheTensor()
            throws IOException
    {
        Manifest manifest = checkpoint(false);

        assertThatThrownBy(() -> new BundleReader(chunks, manifest).read(List.of(new Manifest.VariableEntry("dense_1_kernel", "FLOAT", List.of(10L, 100L), "weight"))))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Tensor dense_1_kernel of checkpoint run run step 1 is FLOAT [100, 10] in its bundle index but FLOAT [10, 100] in its manifest");
        assertThatThrownBy(() -> new BundleReader(chunks, manifest).read(List.of(new Manifest.VariableEntry("dense_1_kernel", "DOUBLE", List.of(100L, 10L), "weight"))))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("but DOUBLE [100, 10] in its manifest");
        assertThatThrownBy(() -> new BundleReader(chunks, manifest).read(List.of(new Manifest.VariableEntry("dense_9_kernel", "FLOAT", List.of(1L), "weight"))))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Tensor dense_9_kernel of checkpoint run run step 1 is not in its bundle index " + CheckpointFiles.VARIABLES_INDEX);
        Manifest noData = withFiles(manifest, List.of(manifest.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow()), manifest.variables());
        assertThatThrownBy(() -> new BundleReader(chunks, noData).read(manifest.variables()))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("lies in data shard 0, which the checkpoint does not have");
    }

    private void assertReadsAsRestoreV2(Manifest manifest)
            throws IOException
    {
        Map<String, Tensor> restoreV2 = RestoreV2Reader.read(directory.resolve(CheckpointFiles.VARIABLES_PREFIX), manifest.variables());
        Map<String, Tensor> fromChunks = new BundleReader(chunks, manifest).read(manifest.variables());
        try {
            assertThat(fromChunks.keySet()).containsExactlyElementsOf(restoreV2.keySet());
            for (String name : restoreV2.keySet()) {
                assertThat(fromChunks.get(name).shape()).as(name).isEqualTo(restoreV2.get(name).shape());
                assertThat(fromChunks.get(name).dataType()).as(name).isEqualTo(restoreV2.get(name).dataType());
                assertThat(bytes(fromChunks.get(name))).as(name).isEqualTo(bytes(restoreV2.get(name)));
            }
        }
        finally {
            restoreV2.values().forEach(Tensor::close);
            fromChunks.values().forEach(Tensor::close);
        }
    }

    private void assertRestoreFailsAssigningNothing(Manifest manifest, String message)
    {
        try (Model fresh = freshModel()) {
            Map<String, byte[]> before = variableBytes(fresh);

            assertThatThrownBy(() -> new CheckpointRestorer(chunks).restore(manifest, fresh))
                    .isInstanceOf(CorruptCheckpointException.class)
                    .hasMessageContaining(message);
            assertThat(variableBytes(fresh)).containsExactlyEntriesOf(before);
        }
    }

    /**
     * The trained model's variables as TF's {@code SaveV2} writes them, put into the chunk store: the
     * data file cut at its tensors (format version 2), or into fixed-size chunks (version 1).
     */
    private Manifest checkpoint(boolean fixedChunks)
            throws IOException
    {
        try (ModelSnapshot snapshot = trained.snapshot(variable -> true)) {
            SaveV2Writer.write(snapshot, directory.resolve(CheckpointFiles.VARIABLES_PREFIX));
        }
        Path indexFile = directory.resolve(CheckpointFiles.VARIABLES_INDEX);
        Path dataFile = directory.resolve(DATA);
        UploadSession session = new UploadSession();
        Manifest.FileEntry index = chunks.putFile(CheckpointFiles.VARIABLES_INDEX, indexFile, session);
        Manifest.FileEntry data;
        if (fixedChunks) {
            Manifest.FileEntry cut = chunks.putFile(DATA, dataFile, session);
            index = new Manifest.FileEntry(index.path(), index.size(), index.sha256(), index.chunks());
            data = new Manifest.FileEntry(cut.path(), cut.size(), cut.sha256(), cut.chunks());
        }
        else {
            try (InputStream in = Files.newInputStream(dataFile)) {
                data = chunks.putFile(DATA, in, TensorBundleIndex.read(indexFile).regions(0, Files.size(dataFile)), session);
            }
        }
        List<Manifest.VariableEntry> variables = trained.variables().stream()
                .map(variable -> new Manifest.VariableEntry(variable.name(), variable.dtype(), Manifest.VariableEntry.shapeOf(variable.shape()), variable.role().jsonName()))
                .toList();
        return new Manifest(fixedChunks ? Manifest.FIXED_CHUNKS_FORMAT_VERSION : Manifest.FORMAT_VERSION, "run", 1, 0, SaveKind.STATE, "2026-01-01T00:00:00Z", Map.of(),
                new Manifest.ModelInfo("test", "0".repeat(64)), CHUNK, List.of(index, data), variables, null);
    }

    private static Manifest withFiles(Manifest manifest, List<Manifest.FileEntry> files, List<Manifest.VariableEntry> variables)
    {
        return new Manifest(manifest.formatVersion(), manifest.run(), manifest.step(), manifest.epoch(), manifest.kind(), manifest.createdAt(), manifest.metrics(),
                manifest.model(), manifest.chunkSize(), files, variables, null);
    }

    private static Model freshModel()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(7).build();
        model.initialize();
        return model;
    }

    private static float[][] probe()
    {
        float[][] probe = new float[3][100];
        for (int row = 0; row < probe.length; row++) {
            for (int column = 0; column < 100; column++) {
                probe[row][column] = (row + 1) * (column % 7) / 10f;
            }
        }
        return probe;
    }

    private static Map<String, byte[]> variableBytes(Model model)
    {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        model.variables().forEach(variable -> names.add(variable.name()));
        for (String name : names) {
            try (Result result = model.session().runner().fetch(name).run()) {
                bytes.put(name, bytes(result.get(0)));
            }
        }
        return bytes;
    }

    private static byte[] bytes(Tensor tensor)
    {
        byte[] bytes = new byte[(int) tensor.numBytes()];
        tensor.asRawTensor().data().read(bytes);
        return bytes;
    }
}
