package io.cairn.core.tf;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ChunkReader;
import io.cairn.core.repository.ChunkStore;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static io.cairn.core.repository.ChunkStore.describe;
import static java.util.Objects.requireNonNull;

/**
 * Reads a checkpoint's tensors straight from its chunks, as TF's {@code RestoreV2} would read them from
 * the files: the bundle index ({@code variables/variables.index}) gives each tensor's shard, offset and
 * size, and each tensor's bytes are copied once, from verified chunks into a new host tensor. Only the
 * chunks holding the wanted tensors are fetched; they are hashed on the transfer threads while this
 * thread copies the earlier ones.
 *
 * <p>Every type a checkpoint may hold ({@link TensorTypes}) has a fixed-size little-endian layout in
 * the data file, the same as a host tensor's, so no type needs {@code RestoreV2} itself.
 */
final class BundleReader
{
    private final ChunkStore chunks;
    private final Manifest manifest;

    BundleReader(ChunkStore chunks, Manifest manifest)
    {
        this.chunks = requireNonNull(chunks, "chunks is null");
        this.manifest = requireNonNull(manifest, "manifest is null");
    }

    /**
     * Reads the given variables. The caller closes the returned tensors; on a failure none is left open.
     *
     * @return the tensors by variable name, in the order given
     * @throws CorruptCheckpointException when the index is damaged or disagrees with the manifest, or a
     * chunk is missing or damaged, naming the checkpoint and the tensor, file or chunk
     */
    Map<String, Tensor> read(List<Manifest.VariableEntry> variables)
            throws IOException
    {
        Map<Integer, List<Placed>> byShard = place(variables);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try {
            for (Manifest.VariableEntry variable : variables) {
                long[] shape = variable.shape().stream().mapToLong(Long::longValue).toArray();
                tensors.put(variable.name(), Tensor.of(TensorTypes.classOf(variable.dtype()), Shape.of(shape)));
            }
            for (List<Placed> shard : byShard.values()) {
                fill(shard, tensors);
            }
            return tensors;
        }
        catch (IOException | RuntimeException | Error e) {
            tensors.values().forEach(Tensor::close);
            throw e;
        }
    }

    /**
     * Where each variable lies, by shard, each shard's tensors in file order; checks every entry
     * against the manifest first, so nothing is allocated or fetched for a checkpoint that disagrees.
     */
    private Map<Integer, List<Placed>> place(List<Manifest.VariableEntry> variables)
            throws IOException
    {
        Manifest.FileEntry indexFile = manifest.file(CheckpointFiles.VARIABLES_INDEX)
                .orElseThrow(() -> new CorruptCheckpointException("Checkpoint " + describe(manifest) + " has no " + CheckpointFiles.VARIABLES_INDEX));
        byte[] table = ChunkReader.readAll(chunks, manifest, indexFile);
        TensorBundleIndex index;
        try {
            index = TensorBundleIndex.parse(table, indexFile.path() + " of checkpoint " + describe(manifest));
        }
        catch (IOException e) {
            throw new CorruptCheckpointException(e.getMessage(), e);
        }
        Map<Integer, Manifest.FileEntry> shards = new TreeMap<>();
        for (Manifest.FileEntry file : manifest.files()) {
            OptionalInt shard = CheckpointFiles.dataShard(file.path());
            if (shard.isPresent()) {
                shards.put(shard.getAsInt(), file);
            }
        }
        Map<Integer, List<Placed>> byShard = new TreeMap<>();
        for (Manifest.VariableEntry variable : variables) {
            BundleEntryProto entry = index.tensors().get(variable.name());
            if (entry == null) {
                throw corrupt(variable, "is not in its bundle index " + indexFile.path());
            }
            DataType type = TensorTypes.parse(variable.dtype());
            long[] shape = variable.shape().stream().mapToLong(Long::longValue).toArray();
            long[] indexed = entry.getShape().getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
            if (entry.getDtype() != type || !Arrays.equals(indexed, shape)) {
                throw corrupt(variable, "is " + TensorTypes.name(entry.getDtype()) + " " + Arrays.toString(indexed) + " in its bundle index but "
                        + variable.dtype() + " " + Arrays.toString(shape) + " in its manifest");
            }
            if (entry.getSlicesCount() > 0) {
                throw corrupt(variable, "is stored in " + entry.getSlicesCount() + " slices; Cairn writes every tensor whole");
            }
            long expectedSize = Arrays.stream(shape).reduce(1, Math::multiplyExact) * TensorTypes.byteWidth(variable.dtype());
            if (entry.getSize() != expectedSize) {
                throw corrupt(variable, "has " + entry.getSize() + " bytes in its bundle index; its type and shape make " + expectedSize);
            }
            Manifest.FileEntry data = shards.get(entry.getShardId());
            if (data == null) {
                throw corrupt(variable, "lies in data shard " + entry.getShardId() + ", which the checkpoint does not have");
            }
            if (entry.getOffset() < 0 || entry.getOffset() + entry.getSize() > data.size()) {
                throw corrupt(variable, "lies at bytes " + entry.getOffset() + " to " + (entry.getOffset() + entry.getSize())
                        + ", outside " + data.path() + " (" + data.size() + " bytes)");
            }
            byShard.computeIfAbsent(entry.getShardId(), ignored -> new ArrayList<>())
                    .add(new Placed(variable.name(), data, entry.getOffset(), entry.getSize()));
        }
        for (List<Placed> shard : byShard.values()) {
            // empty tensors hold no bytes; the rest, in file order, must not overlap
            shard.removeIf(tensor -> tensor.size() == 0);
            shard.sort(Comparator.comparingLong(Placed::offset));
            for (int i = 1; i < shard.size(); i++) {
                if (shard.get(i).offset() < shard.get(i - 1).end()) {
                    throw new CorruptCheckpointException("Tensors " + shard.get(i - 1).name() + " and " + shard.get(i).name() + " of checkpoint " + describe(manifest)
                            + " overlap in " + shard.get(i).data().path() + " according to its bundle index");
                }
            }
        }
        byShard.values().removeIf(List::isEmpty);
        return byShard;
    }

    /**
     * Streams the chunks that hold a shard's tensors into them, each byte to the tensor that owns it:
     * with fixed-size chunks (format version 1) a tensor may span chunks and a chunk hold several
     * tensors; since version 2 each tensor is one or more whole chunks.
     */
    private void fill(List<Placed> shard, Map<String, Tensor> tensors)
            throws IOException
    {
        Manifest.FileEntry data = shard.get(0).data();
        long[] starts = shard.stream().mapToLong(Placed::offset).toArray();
        ByteDataBuffer[] buffers = new ByteDataBuffer[shard.size()];
        for (int i = 0; i < shard.size(); i++) {
            buffers[i] = tensors.get(shard.get(i).name()).asRawTensor().data();
        }
        ChunkReader.read(chunks, manifest, data, wantedChunks(shard, ChunkReader.offsets(manifest, data)), (fileOffset, bytes, offset, length) -> {
            long end = fileOffset + length;
            // the last tensor starting at or before the range, then each tensor the range reaches
            int first = Arrays.binarySearch(starts, fileOffset);
            first = first >= 0 ? first : Math.max(0, -first - 2);
            for (int i = first; i < shard.size() && starts[i] < end; i++) {
                Placed tensor = shard.get(i);
                long from = Math.max(fileOffset, tensor.offset());
                long to = Math.min(end, tensor.end());
                if (from < to) {
                    buffers[i].offset(from - tensor.offset()).write(bytes, offset + (int) (from - fileOffset), (int) (to - from));
                }
            }
        });
    }

    /**
     * The positions of the chunks that overlap any of the tensors, ascending.
     */
    private static int[] wantedChunks(List<Placed> shard, long[] offsets)
    {
        int chunkCount = offsets.length - 1;
        boolean[] wanted = new boolean[chunkCount];
        for (Placed tensor : shard) {
            // the chunk holding the tensor's first byte, then every chunk until its end
            int chunk = Arrays.binarySearch(offsets, 0, chunkCount, tensor.offset());
            chunk = chunk >= 0 ? chunk : -chunk - 2;
            for (; chunk < chunkCount && offsets[chunk] < tensor.end(); chunk++) {
                wanted[chunk] = true;
            }
        }
        int[] indexes = new int[chunkCount];
        int count = 0;
        for (int i = 0; i < chunkCount; i++) {
            if (wanted[i]) {
                indexes[count++] = i;
            }
        }
        return Arrays.copyOf(indexes, count);
    }

    private CorruptCheckpointException corrupt(Manifest.VariableEntry variable, String problem)
    {
        return new CorruptCheckpointException("Tensor " + variable.name() + " of checkpoint " + describe(manifest) + " " + problem);
    }

    private record Placed(String name, Manifest.FileEntry data, long offset, long size)
    {
        long end()
        {
            return offset + size;
        }
    }
}
