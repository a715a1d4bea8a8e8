package io.cairn.core.tf;

import io.cairn.core.model.Model;
import io.cairn.core.model.ModelSnapshot;
import io.cairn.core.model.ModelVariable;
import io.cairn.core.model.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.proto.BundleEntryProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads index files TensorFlow itself writes ({@code SaveV2} through {@link SaveV2Writer}).
 */
class TestTensorBundleIndex
{
    private static final String DATA = "variables.data-00000-of-00001";
    private static final String INDEX = "variables.index";

    @Test
    void givesEachTensorsPlaceAndBytesInTheDataFile(@TempDir Path directory)
            throws IOException
    {
        try (Model model = trainedModel()) {
            write(model, directory);
            TensorBundleIndex index = TensorBundleIndex.read(directory.resolve(INDEX));
            byte[] data = Files.readAllBytes(directory.resolve(DATA));

            assertThat(index.tensors().keySet()).containsExactlyInAnyOrderElementsOf(model.variables().stream().map(ModelVariable::name).toList());
            for (ModelVariable variable : model.variables()) {
                BundleEntryProto entry = index.tensors().get(variable.name());
                assertThat(entry.getShardId()).isZero();
                assertThat(entry.getSize()).as(variable.name()).isEqualTo(variable.byteSize());
                byte[] stored = Arrays.copyOfRange(data, (int) entry.getOffset(), (int) (entry.getOffset() + entry.getSize()));
                assertThat(stored).as(variable.name()).isEqualTo(liveBytes(model, variable.name()));
            }
        }
    }

    @Test
    void regionsAreTheTensorsInFileOrderAndCoverTheWholeFile(@TempDir Path directory)
            throws IOException
    {
        try (Model model = trainedModel()) {
            write(model, directory);
            TensorBundleIndex index = TensorBundleIndex.read(directory.resolve(INDEX));
            long size = Files.size(directory.resolve(DATA));

            List<Long> regions = index.regions(0, size);

            // TF packs the tensors back to back, so the regions are exactly the tensors
            List<Long> tensors = index.tensors().values().stream()
                    .sorted(Comparator.comparingLong(BundleEntryProto::getOffset))
                    .map(BundleEntryProto::getSize)
                    .toList();
            assertThat(regions).isEqualTo(tensors);
            assertThat(regions.stream().mapToLong(Long::longValue).sum()).isEqualTo(size);
            assertThat(index.regions(0, size + 3)).as("a tail no tensor covers is a region of its own").endsWith(tensors.get(tensors.size() - 1), 3L);
            assertThat(index.regions(1, 0)).as("no tensor lies in another shard").isEmpty();
            assertThatThrownBy(() -> index.regions(0, size - 1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("past the end of shard 0 (" + (size - 1) + " bytes)");
        }
    }

    @Test
    void aDamagedIndexIsRefused(@TempDir Path directory)
            throws IOException
    {
        try (Model model = trainedModel()) {
            write(model, directory);
        }
        byte[] table = Files.readAllBytes(directory.resolve(INDEX));

        byte[] flipped = table.clone();
        flipped[20] ^= 1;
        assertThatThrownBy(() -> TensorBundleIndex.parse(flipped, "flipped"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Tensor bundle index flipped is malformed")
                .hasMessageContaining("fails its CRC");
        byte[] noMagic = table.clone();
        noMagic[table.length - 1] ^= 1;
        assertThatThrownBy(() -> TensorBundleIndex.parse(noMagic, "no magic"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("its footer has no table magic");
        assertThatThrownBy(() -> TensorBundleIndex.parse(Arrays.copyOf(table, 40), "short"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("it has 40 bytes, fewer than a footer's 48");
    }

    private static Model trainedModel()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(42).build();
        model.initialize();
        float[][] x = new float[4][100];
        float[][] y = new float[4][5];
        for (int row = 0; row < 4; row++) {
            x[row][row] = 1;
            y[row][row] = 1;
        }
        model.trainStep(x, y);
        return model;
    }

    private static void write(Model model, Path directory)
    {
        try (ModelSnapshot snapshot = model.snapshot(variable -> true)) {
            SaveV2Writer.write(snapshot, directory.resolve("variables"));
        }
    }

    private static byte[] liveBytes(Model model, String variable)
    {
        try (Result result = model.session().runner().fetch(variable).run()) {
            Tensor tensor = result.get(0);
            byte[] bytes = new byte[(int) tensor.numBytes()];
            tensor.asRawTensor().data().read(bytes);
            return bytes;
        }
    }
}
