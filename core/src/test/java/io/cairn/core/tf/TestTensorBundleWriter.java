package io.cairn.core.tf;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.Sequential;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.FileManifests;
import io.cairn.core.repository.FileUpload;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cairn writes the tensor bundle TensorFlow's {@code SaveV2} writes, byte for byte, and TF reads it back.
 */
class TestTensorBundleWriter
{
    private static final String DATA = "variables.data-00000-of-00001";
    private static final String INDEX = "variables.index";

    @Test
    void writesTheSeedModelsBundleByteForByteAsSaveV2Does(@TempDir Path directory)
            throws IOException
    {
        try (Model model = trainedModel(100, 10, 5); ModelSnapshot snapshot = model.snapshot(variable -> true)) {
            assertWritesWhatSaveV2Writes(names(snapshot), snapshot.tensors(), directory, 4096);
        }
    }

    @Test
    void writesALargerModelsBundleByteForByteAsSaveV2Does(@TempDir Path directory)
            throws IOException
    {
        // 1.8M parameters with Adam's slots, 22 MB: tensors span many 1 MiB chunks
        try (Model model = trainedModel(784, 1024, 1024, 10); ModelSnapshot snapshot = model.snapshot(variable -> true)) {
            assertWritesWhatSaveV2Writes(names(snapshot), snapshot.tensors(), directory, 1 << 20);
        }
    }

    @Test
    void writesAnIndexOfSeveralBlocksAndEveryTypeAndShapeAsSaveV2Does(@TempDir Path directory)
            throws IOException
    {
        // 6,000 entries of ~80 bytes: more than one 256 KiB block of the index, in an order other than sorted
        Random random = new Random(7);
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        try {
            for (int i = 0; i < 6000; i++) {
                int id = (i * 7919) % 6000;
                names.add(String.format(Locale.ROOT, "block_%02d_layer_%05d_some_long_shared_prefix_%s", id % 37, id, i % 2 == 0 ? "kernel" : "bias"));
                tensors.add(switch (i % 7) {
                    case 0 -> TFloat32.tensorOf(Shape.of(3, 2), data -> data.scalars().forEach(value -> value.setFloat(random.nextFloat())));
                    case 1 -> TInt64.scalarOf(random.nextLong());
                    case 2 -> TBool.vectorOf(true, false, true);
                    case 3 -> TFloat64.tensorOf(Shape.of(0, 4));
                    case 4 -> TUint8.vectorOf((byte) 1, (byte) 255);
                    case 5 -> TInt32.vectorOf(random.nextInt(), random.nextInt());
                    default -> TFloat32.scalarOf(random.nextFloat());
                });
            }
            assertWritesWhatSaveV2Writes(names, tensors, directory, 64);
            assertThat(Files.size(directory.resolve("saved").resolve(INDEX))).as("an index of several blocks").isGreaterThan(TensorBundleWriter.BLOCK_SIZE);
        }
        finally {
            tensors.forEach(Tensor::close);
        }
    }

    @Test
    void tensorFlowRestoresWhatItWrote(@TempDir Path directory)
            throws IOException
    {
        try (Model model = trainedModel(100, 10, 5); ModelSnapshot snapshot = model.snapshot(variable -> true)) {
            Written written = writeWithCairn(names(snapshot), snapshot.tensors(), 4096);
            Path prefix = directory.resolve("variables");
            Files.write(directory.resolve(DATA), written.data());
            Files.write(directory.resolve(INDEX), written.index());

            List<Manifest.VariableEntry> entries = snapshot.variables().stream()
                    .map(variable -> new Manifest.VariableEntry(variable.name(), variable.dtype(), Manifest.VariableEntry.shapeOf(variable.shape()), variable.role().jsonName()))
                    .toList();
            Map<String, Tensor> restored = RestoreV2Reader.read(prefix, entries);
            try {
                for (int i = 0; i < snapshot.variables().size(); i++) {
                    ModelVariable variable = snapshot.variables().get(i);
                    assertThat(bytes(restored.get(variable.name()))).as(variable.name()).isEqualTo(bytes(snapshot.tensors().get(i)));
                }
            }
            finally {
                restored.values().forEach(Tensor::close);
            }
        }
    }

    @Test
    void refusesStrings()
            throws IOException
    {
        try (TString text = TString.scalarOf("text"); MemoryCheckpointStore store = new MemoryCheckpointStore(); ChunkStore chunks = new ChunkStore(store, 4096, 1);
                FileUpload data = chunks.startFile(DATA, new UploadSession())) {
            assertThatThrownBy(() -> TensorBundleWriter.write(List.of("text"), List.of(text), data))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("STRING is not supported in checkpoints");
        }
    }

    private static void assertWritesWhatSaveV2Writes(List<String> names, List<Tensor> tensors, Path directory, int chunkSize)
            throws IOException
    {
        Path saved = directory.resolve("saved");
        Files.createDirectories(saved);
        try (SaveV2Writer saveV2 = new SaveV2Writer(names, tensors)) {
            saveV2.run(tensors, saved.resolve("variables"));
        }
        Written written = writeWithCairn(names, tensors, chunkSize);

        // compared by length and first difference: a failure then says where, not all the bytes
        assertSameBytes("data shard", written.data(), Files.readAllBytes(saved.resolve(DATA)));
        assertSameBytes("index", written.index(), Files.readAllBytes(saved.resolve(INDEX)));
    }

    private static Written writeWithCairn(List<String> names, List<Tensor> tensors, int chunkSize)
            throws IOException
    {
        try (MemoryCheckpointStore store = new MemoryCheckpointStore(); ChunkStore chunks = new ChunkStore(store, chunkSize, 2)) {
            byte[] index;
            Manifest.FileEntry entry;
            try (FileUpload data = chunks.startFile("variables/" + DATA, new UploadSession())) {
                index = TensorBundleWriter.write(names, tensors, data);
                entry = data.finish();
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            chunks.readFile(FileManifests.of("run", chunkSize, entry), entry, data);
            return new Written(data.toByteArray(), index);
        }
    }

    private static void assertSameBytes(String what, byte[] actual, byte[] expected)
    {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as(what + ": first byte that differs from SaveV2's").isEqualTo(-1);
    }

    private record Written(byte[] data, byte[] index) {}

    private static List<String> names(ModelSnapshot snapshot)
    {
        return snapshot.variables().stream().map(ModelVariable::name).toList();
    }

    private static byte[] bytes(Tensor tensor)
    {
        byte[] bytes = new byte[(int) tensor.numBytes()];
        tensor.asRawTensor().data().read(bytes);
        return bytes;
    }

    private static Model trainedModel(int... sizes)
    {
        Model model = Sequential.mlp(sizes).seed(42).build();
        model.initialize();
        float[][] x = new float[4][sizes[0]];
        float[][] y = new float[4][sizes[sizes.length - 1]];
        for (int row = 0; row < 4; row++) {
            x[row][row] = 1;
            y[row][row] = 1;
        }
        model.trainStep(x, y);
        return model;
    }
}
