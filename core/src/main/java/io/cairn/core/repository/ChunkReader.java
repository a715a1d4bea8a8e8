package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import static io.cairn.core.repository.ChunkStore.describe;
import static java.util.Objects.requireNonNull;

/**
 * Reads chosen chunks of one checkpoint file straight into the caller's memory, each verified by its
 * SHA-256 and its recorded length. Every chunk is streamed on a transfer thread through a small buffer:
 * hashed as it arrives and handed, at its place in the file, to a {@link Sink} (a tensor's memory), so
 * the bytes cross memory once and reading, hashing and copying run in parallel across chunks. A bounded
 * window of chunks is in flight at a time.
 *
 * <p>No whole-file hash: the chunks' hashes, in the manifest's order, cover every byte of the file, so
 * each byte is hashed once. A reader of part of a file (the tensors a restore needs) fetches only the
 * chunks that hold it. {@link #readInOrder} hands a whole file over chunk by chunk in order, for a
 * stream.
 */
public final class ChunkReader
{
    // small enough to stay in a core's cache between the read, the hash and the copy
    private static final int BUFFER_BYTES = 256 << 10;

    private final ChunkStore chunks;
    private final Manifest manifest;
    private final Manifest.FileEntry file;
    private final List<Long> lengths;
    private final long[] offsets;
    // guards the count of chunks being streamed into the sink; stopped (set under it) ends them once the read failed
    private final Object lock = new Object();
    private int streaming;
    private volatile boolean stopped;

    /**
     * Receives a file's bytes at their offset in the file. Called on the transfer threads, concurrently,
     * for ranges that do not overlap, and only within the chunks asked for. The bytes are verified only
     * once {@link #read} returns: a sink's content is not to be used after a failed read.
     */
    @FunctionalInterface
    public interface Sink
    {
        void write(long fileOffset, byte[] bytes, int offset, int length);
    }

    private ChunkReader(ChunkStore chunks, Manifest manifest, Manifest.FileEntry file)
    {
        this.chunks = requireNonNull(chunks, "chunks is null");
        this.manifest = requireNonNull(manifest, "manifest is null");
        this.file = requireNonNull(file, "file is null");
        this.lengths = manifest.chunkLengths(file);
        this.offsets = offsets(manifest, file);
    }

    /**
     * Streams the chunks at the given positions of the file into the sink and verifies them. Returns
     * once every one is verified; on a failure, only once no transfer thread writes to the sink any more.
     *
     * @throws CorruptCheckpointException naming the file and chunk when a chunk is missing, damaged or of
     * another length than recorded
     */
    public static void read(ChunkStore chunks, Manifest manifest, Manifest.FileEntry file, int[] indexes, Sink sink)
            throws IOException
    {
        new ChunkReader(chunks, manifest, file).readChunks(indexes.clone(), requireNonNull(sink, "sink is null"), index -> {});
    }

    /**
     * Receives a file's chunks in the file's order, each whole and verified, on the reading thread.
     */
    @FunctionalInterface
    public interface ChunkConsumer
    {
        void accept(int index, byte[] chunk)
                throws IOException;
    }

    /**
     * Streams a whole file, chunk after chunk in order, to the consumer; the chunks are fetched and
     * verified ahead on the transfer threads, a bounded window of them (and so of memory) at a time.
     *
     * @throws CorruptCheckpointException naming the file and chunk when a chunk is missing, damaged or of
     * another length than recorded
     */
    public static void readInOrder(ChunkStore chunks, Manifest manifest, Manifest.FileEntry file, ChunkConsumer consumer)
            throws IOException
    {
        requireNonNull(consumer, "consumer is null");
        ChunkReader reader = new ChunkReader(chunks, manifest, file);
        byte[][] arrived = new byte[reader.lengths.size()][];
        int[] all = new int[arrived.length];
        Arrays.setAll(all, index -> index);
        // each chunk is written by one transfer thread at a time; Future.get hands its bytes to this thread
        Sink sink = (fileOffset, bytes, from, length) -> {
            int index = reader.chunkAt(fileOffset);
            if (arrived[index] == null) {
                arrived[index] = new byte[Math.toIntExact(reader.lengths.get(index))];
            }
            System.arraycopy(bytes, from, arrived[index], (int) (fileOffset - reader.offsets[index]), length);
        };
        reader.readChunks(all, sink, index -> {
            byte[] chunk = arrived[index] == null ? new byte[0] : arrived[index];
            arrived[index] = null;
            consumer.accept(index, chunk);
        });
    }

    /**
     * A whole small file (an index), verified chunk by chunk, in memory.
     */
    public static byte[] readAll(ChunkStore chunks, Manifest manifest, Manifest.FileEntry file)
            throws IOException
    {
        if (file.size() > Integer.MAX_VALUE - 8) {
            throw new IOException("File " + file.path() + " of " + describe(manifest) + " has " + file.size() + " bytes, too many to read into memory");
        }
        byte[] content = new byte[(int) file.size()];
        int[] all = new int[file.chunks().size()];
        Arrays.setAll(all, index -> index);
        read(chunks, manifest, file, all, (offset, bytes, from, length) -> System.arraycopy(bytes, from, content, (int) offset, length));
        return content;
    }

    /**
     * Where each of a file's chunks starts in the file, and the file's end as the last element.
     */
    public static long[] offsets(Manifest manifest, Manifest.FileEntry file)
    {
        List<Long> lengths = manifest.chunkLengths(file);
        long[] offsets = new long[lengths.size() + 1];
        for (int i = 0; i < lengths.size(); i++) {
            offsets[i + 1] = offsets[i] + lengths.get(i);
        }
        return offsets;
    }

    // the chunk holding a byte of the file
    private int chunkAt(long fileOffset)
    {
        int found = Arrays.binarySearch(offsets, fileOffset);
        // chunks have bytes, so offsets rise strictly: a miss lies inside the chunk before its insertion point
        return found >= 0 ? found : -found - 2;
    }

    /**
     * Streams the chunks into the sink, a window of them at a time, and hands each index to
     * {@code done}, in the order given, once that chunk is verified.
     */
    private void readChunks(int[] indexes, Sink sink, ChunkConsumerOfIndex done)
            throws IOException
    {
        for (int index : indexes) {
            if (index < 0 || index >= lengths.size()) {
                throw new IllegalArgumentException("Chunk " + index + " of " + file.path() + " does not exist; it has " + lengths.size() + " chunks");
            }
        }
        Deque<Future<Void>> ahead = new ArrayDeque<>();
        int requested = 0;
        boolean finished = false;
        try {
            for (int next = 0; next < indexes.length; next++) {
                while (requested < indexes.length && requested < next + chunks.readWindow()) {
                    int index = indexes[requested++];
                    ahead.add(chunks.submitTransfer(() -> {
                        stream(index, sink);
                        return null;
                    }));
                }
                // taken off only once done, so a failure or an interrupt cancels it with the rest
                ahead.peek().get();
                ahead.remove();
                done.accept(indexes[next]);
            }
            finished = true;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (CancellationException | RejectedExecutionException e) {
            throw chunks.closed("reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (ExecutionException e) {
            throw ChunkStore.readFailure(e, manifest, file);
        }
        finally {
            if (!finished) {
                ahead.forEach(future -> future.cancel(false));
                awaitStreamsStopped();
            }
        }
    }

    /**
     * Streams one chunk into the sink, hashing it on the way; fails if it is missing, damaged, or of
     * another length than recorded. Never writes past the chunk's recorded end.
     */
    private void stream(int index, Sink sink)
            throws IOException
    {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            streaming++;
        }
        try {
            String hash = file.chunks().get(index);
            long expected = lengths.get(index);
            MessageDigest digest = Hashes.sha256();
            byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(expected, 1))];
            long length = 0;
            try (InputStream in = chunks.store().read(RepositoryLayout.chunkKey(hash))) {
                for (int read = in.read(buffer); read >= 0 && !stopped; read = in.read(buffer)) {
                    digest.update(buffer, 0, read);
                    int inChunk = (int) Math.max(0, Math.min(read, expected - length));
                    if (inChunk > 0) {
                        sink.write(offsets[index] + length, buffer, 0, inChunk);
                    }
                    length += read;
                }
            }
            catch (FileNotFoundException e) {
                throw new CorruptCheckpointException(describeChunk(index) + " is missing from " + chunks.store().location(), e);
            }
            if (stopped) {
                // another chunk failed: the read is over, this chunk's bytes no longer matter
                return;
            }
            String actual = Hashes.hex(digest.digest());
            if (!actual.equals(hash)) {
                throw new CorruptCheckpointException(describeChunk(index) + " is damaged: its content hashes to " + actual);
            }
            if (length != expected) {
                throw new CorruptCheckpointException(describeChunk(index) + " has " + length + " bytes, expected " + expected);
            }
        }
        finally {
            synchronized (lock) {
                streaming--;
                lock.notifyAll();
            }
        }
    }

    /**
     * After a failure: no chunk starts streaming any more, and those streaming are waited for, so none
     * writes to a sink (a tensor's memory) its owner is about to free.
     */
    private void awaitStreamsStopped()
    {
        boolean interrupted = false;
        synchronized (lock) {
            stopped = true;
            while (streaming > 0) {
                try {
                    lock.wait();
                }
                catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface ChunkConsumerOfIndex
    {
        void accept(int index)
                throws IOException;
    }

    private String describeChunk(int index)
    {
        return "Chunk " + file.chunks().get(index) + " (chunk " + index + " of " + file.path() + " in " + describe(manifest) + ")";
    }
}
