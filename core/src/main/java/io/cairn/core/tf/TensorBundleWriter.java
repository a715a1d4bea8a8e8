package io.cairn.core.tf;

import io.cairn.core.repository.FileUpload;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.VersionDef;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static java.util.Objects.requireNonNull;

/**
 * Writes a TF tensor bundle (what {@code SaveV2} writes: one data shard, {@code .data-00000-of-00001},
 * and its {@code .index}) straight from host tensors, byte for byte as TensorFlow 2.18 does. The data
 * shard is the tensors' raw bytes end to end, in the order given (as {@code SaveV2} lays them out), with
 * no padding; the index is TF's table (see {@link TensorBundleIndex}) of a header ({@code BundleHeaderProto})
 * under the empty key and a {@code BundleEntryProto} per tensor, with the masked CRC-32C of its bytes,
 * which TF's reader checks.
 *
 * <p>Only types with a fixed-size raw layout are written ({@link TensorTypes}: no strings, which
 * {@code SaveV2} lays out otherwise, and which no checkpoint holds).
 */
public final class TensorBundleWriter
{
    // TF's table options (tsl/lib/io/table_options.h): an index block per 256 KiB of entries, a restart
    // point every 16 keys; its index block restarts at every key
    static final int BLOCK_SIZE = 262144;
    static final int RESTART_INTERVAL = 16;
    static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
    private static final int CRC_MASK_DELTA = 0xa282ead8;
    private static final int MAX_ENCODED_HANDLE = 20;
    // copied and checksummed a piece at a time, so the checksum reads bytes the copy left in cache
    private static final int COPY_PIECE = 256 << 10;
    // tensor_bundle.cc: kTensorBundleVersion
    private static final int BUNDLE_VERSION = 1;

    private TensorBundleWriter() {}

    /**
     * Appends the tensors' bytes to {@code data}, each tensor a region of its own (so an unchanged tensor
     * is an unchanged chunk), and returns the bundle's index. The tensors must stay open until this
     * returns; their bytes are copied by then.
     *
     * @param names the tensors' names (the variables'), in the same order as {@code tensors}
     * @throws IllegalArgumentException for a tensor type checkpoints do not hold (strings)
     */
    public static byte[] write(List<String> names, List<Tensor> tensors, FileUpload data)
            throws IOException
    {
        requireNonNull(data, "data is null");
        if (names.size() != tensors.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + tensors.size() + " tensors");
        }
        // SaveV2 lays the tensors out in the order it is given them; its index is sorted by name, as bytes
        Map<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
        long offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor tensor = tensors.get(i);
            // a fixed-size type, whose raw bytes are its bundle bytes
            TensorTypes.classOf(tensor.dataType());
            ByteDataBuffer bytes = tensor.asRawTensor().data();
            long size = bytes.size();
            CRC32C crc = new CRC32C();
            if (size > 0) {
                data.appendRegion(size, (position, target, targetOffset, length) -> {
                    for (int done = 0; done < length; ) {
                        int piece = Math.min(COPY_PIECE, length - done);
                        bytes.slice(position + done, piece).read(target, targetOffset + done, piece);
                        crc.update(target, targetOffset + done, piece);
                        done += piece;
                    }
                });
            }
            byte[] key = names.get(i).getBytes(StandardCharsets.UTF_8);
            if (entries.put(key, entry(tensor, offset, size, (int) crc.getValue()).toByteArray()) != null) {
                throw new IllegalArgumentException("Two tensors are named " + names.get(i));
            }
            offset += size;
        }
        return index(List.copyOf(entries.keySet()), List.copyOf(entries.values()));
    }

    private static BundleEntryProto entry(Tensor tensor, long offset, long size, int crc)
    {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dimension : tensor.shape().asArray()) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dimension));
        }
        return BundleEntryProto.newBuilder()
                .setDtype(tensor.dataType())
                .setShape(shape)
                .setShardId(0)
                .setOffset(offset)
                .setSize(size)
                .setCrc32C(mask(crc))
                .build();
    }

    /**
     * The index table: the header under the empty key, then the entries, whose keys are sorted.
     */
    static byte[] index(List<byte[]> keys, List<byte[]> values)
    {
        BundleHeaderProto header = BundleHeaderProto.newBuilder()
                .setNumShards(1)
                .setEndianness(BundleHeaderProto.Endianness.LITTLE)
                .setVersion(VersionDef.newBuilder().setProducer(BUNDLE_VERSION))
                .build();
        TableWriter table = new TableWriter();
        table.add(new byte[0], header.toByteArray());
        for (int i = 0; i < keys.size(); i++) {
            table.add(keys.get(i), values.get(i));
        }
        return table.finish();
    }

    static int mask(int crc)
    {
        return ((crc >>> 15) | (crc << 17)) + CRC_MASK_DELTA;
    }

    /**
     * TF's table builder (tsl/lib/io/table_builder.cc), uncompressed.
     */
    private static final class TableWriter
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final BlockWriter data = new BlockWriter(RESTART_INTERVAL);
        private final BlockWriter index = new BlockWriter(1);
        private byte[] lastKey = new byte[0];
        private long entries;
        private long[] pendingHandle;

        void add(byte[] key, byte[] value)
        {
            if (entries > 0 && Arrays.compareUnsigned(key, lastKey) <= 0) {
                throw new IllegalArgumentException("Keys of a table must grow: " + new String(key, StandardCharsets.UTF_8));
            }
            if (entries > 0 && key.length + value.length >= 2L * BLOCK_SIZE) {
                flush();
            }
            if (pendingHandle != null) {
                index.add(shortestSeparator(lastKey, key), handle(pendingHandle));
                pendingHandle = null;
            }
            lastKey = key;
            entries++;
            data.add(key, value);
            if (data.sizeEstimate() >= BLOCK_SIZE) {
                flush();
            }
        }

        byte[] finish()
        {
            flush();
            long[] metaindex = writeBlock(new BlockWriter(RESTART_INTERVAL));
            if (pendingHandle != null) {
                index.add(shortSuccessor(lastKey), handle(pendingHandle));
                pendingHandle = null;
            }
            long[] indexHandle = writeBlock(index);
            ByteArrayOutputStream footer = new ByteArrayOutputStream();
            footer.writeBytes(handle(metaindex));
            footer.writeBytes(handle(indexHandle));
            byte[] padded = Arrays.copyOf(footer.toByteArray(), 2 * MAX_ENCODED_HANDLE);
            out.writeBytes(padded);
            writeFixed32(out, (int) TABLE_MAGIC);
            writeFixed32(out, (int) (TABLE_MAGIC >>> 32));
            return out.toByteArray();
        }

        private void flush()
        {
            if (!data.isEmpty()) {
                pendingHandle = writeBlock(data);
            }
        }

        private long[] writeBlock(BlockWriter block)
        {
            byte[] contents = block.finish();
            long[] handle = {out.size(), contents.length};
            out.writeBytes(contents);
            CRC32C crc = new CRC32C();
            crc.update(contents);
            crc.update(0);
            out.write(0);
            writeFixed32(out, mask((int) crc.getValue()));
            block.reset();
            return handle;
        }

        private static byte[] handle(long[] handle)
        {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            writeVarint(encoded, handle[0]);
            writeVarint(encoded, handle[1]);
            return encoded.toByteArray();
        }

        private static byte[] shortestSeparator(byte[] start, byte[] limit)
        {
            int minLength = Math.min(start.length, limit.length);
            int diff = 0;
            while (diff < minLength && start[diff] == limit[diff]) {
                diff++;
            }
            if (diff < minLength) {
                int diffByte = start[diff] & 0xff;
                if (diffByte < 0xff && diffByte + 1 < (limit[diff] & 0xff)) {
                    byte[] shortened = Arrays.copyOf(start, diff + 1);
                    shortened[diff]++;
                    return shortened;
                }
            }
            return start;
        }

        private static byte[] shortSuccessor(byte[] key)
        {
            for (int i = 0; i < key.length; i++) {
                if ((key[i] & 0xff) != 0xff) {
                    byte[] successor = Arrays.copyOf(key, i + 1);
                    successor[i]++;
                    return successor;
                }
            }
            return key;
        }
    }

    /**
     * TF's block builder (tsl/lib/io/block_builder.cc): prefix-compressed entries, then the restart
     * offsets and their count.
     */
    private static final class BlockWriter
    {
        private final int restartInterval;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final List<Integer> restarts = new ArrayList<>(List.of(0));
        private byte[] lastKey = new byte[0];
        private int counter;

        BlockWriter(int restartInterval)
        {
            this.restartInterval = restartInterval;
        }

        boolean isEmpty()
        {
            return buffer.size() == 0;
        }

        long sizeEstimate()
        {
            return buffer.size() + 4L * restarts.size() + 4;
        }

        void add(byte[] key, byte[] value)
        {
            int shared = 0;
            if (counter < restartInterval) {
                int minLength = Math.min(lastKey.length, key.length);
                while (shared < minLength && lastKey[shared] == key[shared]) {
                    shared++;
                }
            }
            else {
                restarts.add(buffer.size());
                counter = 0;
            }
            writeVarint(buffer, shared);
            writeVarint(buffer, key.length - shared);
            writeVarint(buffer, value.length);
            buffer.write(key, shared, key.length - shared);
            buffer.writeBytes(value);
            lastKey = key;
            counter++;
        }

        byte[] finish()
        {
            restarts.forEach(restart -> writeFixed32(buffer, restart));
            writeFixed32(buffer, restarts.size());
            return buffer.toByteArray();
        }

        void reset()
        {
            buffer.reset();
            restarts.clear();
            restarts.add(0);
            lastKey = new byte[0];
            counter = 0;
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value)
    {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void writeFixed32(ByteArrayOutputStream out, int value)
    {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
