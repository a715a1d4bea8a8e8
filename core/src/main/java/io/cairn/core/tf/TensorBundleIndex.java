package io.cairn.core.tf;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tensorflow.proto.BundleEntryProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static java.util.Objects.requireNonNull;

/**
 * Reads a TF tensor bundle's index ({@code variables.index}): TF's table format, whose values are
 * {@code BundleEntryProto}s giving each tensor's shard, offset and size in the data files. Cairn cuts
 * the data file at these boundaries, so an unchanged tensor is always an unchanged chunk.
 *
 * <p>The table: data blocks of prefix-compressed entries ending in restart points, an index block of
 * handles to them, and a 48-byte footer (metaindex and index handles, padding, an 8-byte magic). Each
 * block is followed by a compression type byte and a masked CRC-32C of the block and that byte. TF
 * writes bundles uncompressed; anything else is refused.
 */
public final class TensorBundleIndex
{
    private static final int FOOTER_LENGTH = 48;
    private static final int BLOCK_TRAILER_LENGTH = 5;

    private final Map<String, BundleEntryProto> entries;

    private TensorBundleIndex(Map<String, BundleEntryProto> entries)
    {
        this.entries = entries;
    }

    public static TensorBundleIndex read(Path index)
            throws IOException
    {
        return parse(Files.readAllBytes(index), index.toString());
    }

    /**
     * @param source names the index in error messages
     * @throws IOException when the bytes are not a well-formed, uncompressed TF table of bundle entries
     */
    public static TensorBundleIndex parse(byte[] table, String source)
            throws IOException
    {
        requireNonNull(table, "table is null");
        try {
            return new TensorBundleIndex(new Reader(table).entries());
        }
        catch (IndexOutOfBoundsException | IllegalArgumentException | InvalidProtocolBufferException e) {
            throw new IOException("Tensor bundle index " + source + " is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Every tensor's entry by name, in the table's (sorted) order; the header (the empty key) is left out.
     */
    public Map<String, BundleEntryProto> tensors()
    {
        return entries;
    }

    /**
     * Cuts a data shard of {@code fileSize} bytes into the regions the index describes: one per
     * tensor stored in it, in file order, and one for each run of bytes no tensor covers (padding
     * between tensors, a tail), so the regions add up to the whole file. Empty tensors have no region.
     *
     * @throws IOException when tensors overlap or lie past the end of the file
     */
    public List<Long> regions(int shard, long fileSize)
            throws IOException
    {
        List<Map.Entry<String, BundleEntryProto>> inShard = entries.entrySet().stream()
                .filter(entry -> entry.getValue().getShardId() == shard && entry.getValue().getSize() > 0)
                .sorted(Comparator.comparingLong(entry -> entry.getValue().getOffset()))
                .toList();
        List<Long> regions = new ArrayList<>();
        long position = 0;
        for (Map.Entry<String, BundleEntryProto> tensor : inShard) {
            long offset = tensor.getValue().getOffset();
            long size = tensor.getValue().getSize();
            if (offset < position || offset < 0) {
                throw new IOException("Tensor " + tensor.getKey() + " at offset " + offset + " overlaps the bytes before it (up to " + position + ") in shard " + shard);
            }
            if (offset > position) {
                regions.add(offset - position);
            }
            regions.add(size);
            position = offset + size;
            if (position > fileSize) {
                throw new IOException("Tensor " + tensor.getKey() + " ends at " + position + ", past the end of shard " + shard + " (" + fileSize + " bytes)");
            }
        }
        if (position < fileSize) {
            regions.add(fileSize - position);
        }
        return List.copyOf(regions);
    }

    private static final class Reader
    {
        private final byte[] table;

        Reader(byte[] table)
        {
            this.table = table;
        }

        Map<String, BundleEntryProto> entries()
                throws InvalidProtocolBufferException
        {
            if (table.length < FOOTER_LENGTH) {
                throw new IllegalArgumentException("it has " + table.length + " bytes, fewer than a footer's " + FOOTER_LENGTH);
            }
            int footer = table.length - FOOTER_LENGTH;
            long magic = ByteBuffer.wrap(table, table.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (magic != TensorBundleWriter.TABLE_MAGIC) {
                throw new IllegalArgumentException("its footer has no table magic");
            }
            Cursor cursor = new Cursor(table, footer, table.length - 8);
            cursor.varint64();
            cursor.varint64();
            long indexOffset = cursor.varint64();
            long indexSize = cursor.varint64();
            Map<String, BundleEntryProto> tensors = new LinkedHashMap<>();
            for (byte[] handle : block(indexOffset, indexSize).values()) {
                Cursor handleCursor = new Cursor(handle, 0, handle.length);
                long offset = handleCursor.varint64();
                long size = handleCursor.varint64();
                for (Map.Entry<String, byte[]> entry : block(offset, size).entrySet()) {
                    // the empty key holds the BundleHeaderProto
                    if (!entry.getKey().isEmpty()) {
                        tensors.put(entry.getKey(), BundleEntryProto.parseFrom(entry.getValue()));
                    }
                }
            }
            return tensors;
        }

        /**
         * The entries of one block, checked against its trailer.
         */
        private Map<String, byte[]> block(long offset, long size)
        {
            if (offset < 0 || size < 4 || offset + size + BLOCK_TRAILER_LENGTH > table.length - FOOTER_LENGTH) {
                throw new IllegalArgumentException("a block handle (offset " + offset + ", size " + size + ") lies outside the table");
            }
            int start = (int) offset;
            int end = start + (int) size;
            if (table[end] != 0) {
                throw new IllegalArgumentException("a block is compressed (type " + table[end] + "); TF writes bundles uncompressed");
            }
            CRC32C crc = new CRC32C();
            crc.update(table, start, (int) size + 1);
            int actual = (int) crc.getValue();
            int masked = TensorBundleWriter.mask(actual);
            int stored = ByteBuffer.wrap(table, end + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (masked != stored) {
                throw new IllegalArgumentException("the block at offset " + offset + " fails its CRC");
            }
            int restarts = ByteBuffer.wrap(table, end - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int entriesEnd = end - 4 - 4 * restarts;
            if (restarts < 1 || entriesEnd < start) {
                throw new IllegalArgumentException("the block at offset " + offset + " has " + restarts + " restart points");
            }
            Map<String, byte[]> entries = new LinkedHashMap<>();
            Cursor cursor = new Cursor(table, start, entriesEnd);
            byte[] key = new byte[0];
            while (cursor.hasMore()) {
                int shared = cursor.varint32();
                int unshared = cursor.varint32();
                int valueLength = cursor.varint32();
                if (shared > key.length) {
                    throw new IllegalArgumentException("an entry shares " + shared + " bytes of a " + key.length + "-byte key");
                }
                byte[] next = new byte[shared + unshared];
                System.arraycopy(key, 0, next, 0, shared);
                System.arraycopy(cursor.bytes(unshared), 0, next, shared, unshared);
                key = next;
                entries.put(new String(key, StandardCharsets.UTF_8), cursor.bytes(valueLength));
            }
            return entries;
        }
    }

    private static final class Cursor
    {
        private final byte[] bytes;
        private final int end;
        private int position;

        Cursor(byte[] bytes, int start, int end)
        {
            this.bytes = bytes;
            this.position = start;
            this.end = end;
        }

        boolean hasMore()
        {
            return position < end;
        }

        byte[] bytes(int length)
        {
            if (length < 0 || length > end - position) {
                throw new IllegalArgumentException("an entry of " + length + " bytes runs past its block");
            }
            byte[] slice = new byte[length];
            System.arraycopy(bytes, position, slice, 0, length);
            position += length;
            return slice;
        }

        int varint32()
        {
            long value = varint64();
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a length of " + value + " bytes");
            }
            return (int) value;
        }

        long varint64()
        {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("a varint runs past its block");
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a varint is longer than 10 bytes");
        }
    }
}
