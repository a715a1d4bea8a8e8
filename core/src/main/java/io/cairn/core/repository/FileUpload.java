package io.cairn.core.repository;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.internal.Threads;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * One file going into the chunk store. Its bytes are copied once, from wherever the caller holds them,
 * into chunk buffers; each full buffer is hashed (SHA-256, its name) and uploaded on a transfer thread
 * unless the session knows the chunk is stored. A chunk ends at the chunk size and at the end of every
 * region the caller appends (a TF data file's tensors), so an unchanged region is an unchanged chunk
 * wherever it lies in the file. The file's hash is derived from its chunks' ({@link Hashes#chunkListHash}):
 * no byte is hashed twice.
 *
 * <p>Used by one thread; {@link #close()} without {@link #finish()} abandons the file (chunks already
 * uploaded stay, unreferenced, for the garbage collector).
 */
public final class FileUpload
        implements AutoCloseable
{
    /**
     * Where a region's bytes come from.
     */
    @FunctionalInterface
    public interface Source
    {
        /**
         * Copies {@code length} bytes of the region, from {@code position} on, into {@code target} at
         * {@code offset}. Called with consecutive ranges, in order.
         */
        void copyTo(long position, byte[] target, int offset, int length)
                throws IOException;
    }

    private final ChunkStore chunks;
    private final String path;
    private final UploadSession session;
    private final int chunkSize;
    private final List<ChunkTask> tasks = new ArrayList<>();
    private final List<Long> lengths = new ArrayList<>();
    private byte[] buffer;
    private int filled;
    private long size;
    private boolean done;

    FileUpload(ChunkStore chunks, String path, UploadSession session)
    {
        this.chunks = requireNonNull(chunks, "chunks is null");
        this.path = requireNonNull(path, "path is null");
        this.session = requireNonNull(session, "session is null");
        this.chunkSize = chunks.chunkSize();
    }

    /**
     * Bytes appended so far.
     */
    public long size()
    {
        return size;
    }

    /**
     * Appends a region of {@code length} bytes: its first byte starts a chunk and its last ends one.
     */
    public void appendRegion(long length, Source source)
            throws IOException
    {
        checkOpen();
        if (length < 1) {
            throw new IllegalArgumentException("Region of " + length + " bytes in " + path + "; regions have at least one byte");
        }
        endChunk();
        for (long position = 0; position < length; ) {
            takeBuffer();
            int piece = (int) Math.min(length - position, chunkSize - filled);
            source.copyTo(position, buffer, filled, piece);
            filled += piece;
            size += piece;
            position += piece;
            if (filled == chunkSize) {
                endChunk();
            }
        }
        endChunk();
    }

    /**
     * Appends the rest of a stream, cut only at the chunk size.
     */
    public void append(InputStream in)
            throws IOException
    {
        checkOpen();
        while (true) {
            takeBuffer();
            int read = in.readNBytes(buffer, filled, chunkSize - filled);
            filled += read;
            size += read;
            if (filled < chunkSize) {
                return;
            }
            endChunk();
        }
    }

    /**
     * Waits for the chunks to be stored.
     *
     * @return the file's manifest entry
     */
    public Manifest.FileEntry finish()
            throws IOException
    {
        checkOpen();
        endChunk();
        releaseBuffer();
        List<String> hashes = new ArrayList<>(tasks.size());
        try {
            for (ChunkTask task : tasks) {
                hashes.add(task.future.get());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while uploading " + path, e);
        }
        catch (CancellationException e) {
            throw chunks.closed("uploading " + path, e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException io) {
                throw new IOException("Cannot upload a chunk of " + path + " to " + chunks.location() + ": " + io.getMessage(), io);
            }
            throw new IOException("Cannot upload a chunk of " + path + " to " + chunks.location(), cause);
        }
        finally {
            close();
        }
        return new Manifest.FileEntry(path, size, Hashes.chunkListHash(hashes), List.copyOf(hashes), List.copyOf(lengths));
    }

    /**
     * Abandons the file if it was not finished: chunks not yet uploading never are.
     */
    @Override
    public void close()
    {
        if (done) {
            return;
        }
        done = true;
        releaseBuffer();
        tasks.forEach(ChunkTask::cancel);
    }

    private void checkOpen()
    {
        if (done) {
            throw new IllegalStateException("Upload of " + path + " is over");
        }
    }

    private void takeBuffer()
            throws IOException
    {
        if (buffer == null) {
            try {
                buffer = chunks.takeBuffer("uploading " + path);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while uploading " + path, e);
            }
            filled = 0;
        }
    }

    private void releaseBuffer()
    {
        if (buffer != null) {
            chunks.returnBuffer(buffer);
            buffer = null;
        }
    }

    /**
     * Hands the filled part of the buffer to a transfer thread, which returns the buffer when done.
     */
    private void endChunk()
            throws IOException
    {
        if (buffer == null || filled == 0) {
            return;
        }
        ChunkTask task = new ChunkTask(buffer, filled);
        buffer = null;
        lengths.add((long) task.length);
        try {
            task.future = chunks.transfers().submit(task::run);
        }
        catch (RejectedExecutionException e) {
            chunks.returnBuffer(task.chunk);
            throw chunks.closed("uploading " + path, e);
        }
        tasks.add(task);
    }

    /**
     * One chunk's hashing and upload. Whoever claims it first, its transfer thread or a cancelling
     * caller, returns its buffer: never while a thread still reads it.
     */
    private final class ChunkTask
    {
        private final byte[] chunk;
        private final int length;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private Future<String> future;

        ChunkTask(byte[] chunk, int length)
        {
            this.chunk = chunk;
            this.length = length;
        }

        String run()
                throws IOException
        {
            if (!claimed.compareAndSet(false, true)) {
                throw new CancellationException("Upload of " + path + " was abandoned");
            }
            session.runInBackground();
            long cpu = Threads.currentThreadCpuNanos();
            try {
                String hash = Hashes.sha256Hex(chunk, 0, length);
                upload(hash);
                return hash;
            }
            finally {
                session.spentCpu(Threads.currentThreadCpuNanos() - cpu);
                chunks.returnBuffer(chunk);
            }
        }

        /**
         * Writing a chunk that does exist rewrites the same bytes under the same name, so a lookup is
         * only worth its request while the session cannot tell.
         */
        private void upload(String hash)
                throws IOException
        {
            if (session.isKnown(hash)) {
                return;
            }
            String key = RepositoryLayout.chunkKey(hash);
            if (!session.askBeforeWriting(hash) || !chunks.store().exists(key)) {
                chunks.store().write(key, new ByteArrayInputStream(chunk, 0, length), length);
                session.wrote(length);
            }
            session.stored(hash);
        }

        void cancel()
        {
            if (future != null) {
                future.cancel(false);
            }
            if (claimed.compareAndSet(false, true)) {
                chunks.returnBuffer(chunk);
            }
        }
    }
}
