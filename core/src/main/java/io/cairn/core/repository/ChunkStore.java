package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.internal.Threads;
import io.cairn.core.store.CheckpointStore;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The content-addressed half of a repository: files go in as chunks named by their SHA-256, of the
 * chunk size or cut at boundaries the caller gives (a TF data file's tensors), uploaded in parallel on
 * the transfer threads, and come out verified, chunk by chunk and whole, fetched ahead in a bounded
 * window. Knows nothing of manifests' commit or of TensorFlow.
 *
 * <p>Thread-safe. {@link #close()} stops the transfer threads; reads and uploads then fail.
 */
public final class ChunkStore
        implements AutoCloseable
{
    private static final int WINDOW_BYTES = 128 << 20;

    private final CheckpointStore store;
    private final int chunkSize;
    private final ExecutorService transfers;
    // chunks in flight at once, each direction: enough to keep every transfer thread busy, at most ~128 MiB
    private final int window;

    public ChunkStore(CheckpointStore store, int chunkSize, int transferThreads)
    {
        this.store = requireNonNull(store, "store is null");
        this.chunkSize = chunkSize;
        this.window = Math.max(1, Math.min(2 * transferThreads, WINDOW_BYTES / chunkSize));
        this.transfers = Executors.newFixedThreadPool(transferThreads, Threads.daemonThreadsNamed("cairn-transfer-%d"));
    }

    public int chunkSize()
    {
        return chunkSize;
    }

    public Manifest.FileEntry putFile(String path, Path file, UploadSession session)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            return putFile(path, in, session);
        }
    }

    /**
     * Stores a file cut at the given boundaries, see {@link #putFile(String, InputStream, List, UploadSession)}.
     */
    public Manifest.FileEntry putFile(String path, Path file, List<Long> regions, UploadSession session)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            return putFile(path, in, regions, session);
        }
    }

    public Manifest.FileEntry putFile(String path, byte[] data, UploadSession session)
            throws IOException
    {
        return putFile(path, new ByteArrayInputStream(data), session);
    }

    /**
     * Cuts a file into chunks of the chunk size (the last one shorter), hashes them, and uploads in
     * parallel the chunks the session does not know to be stored.
     */
    public Manifest.FileEntry putFile(String path, InputStream in, UploadSession session)
            throws IOException
    {
        return put(path, in, null, session);
    }

    /**
     * Like {@link #putFile(String, InputStream, UploadSession)}, but cuts the file into the given
     * regions, in order, and any region longer than the chunk size into chunk-size pieces: a region that
     * does not change is then a chunk that does not change, wherever it lies in the file.
     *
     * @param regions the lengths of consecutive regions, each positive, that make up the whole file
     * @throws IOException also when the file is shorter or longer than its regions
     */
    public Manifest.FileEntry putFile(String path, InputStream in, List<Long> regions, UploadSession session)
            throws IOException
    {
        requireNonNull(regions, "regions is null");
        List<Long> pieces = new ArrayList<>();
        for (Long region : regions) {
            if (region == null || region < 1) {
                throw new IllegalArgumentException("Region of " + region + " bytes in " + path + "; regions have at least one byte");
            }
            for (long left = region; left > 0; left -= chunkSize) {
                pieces.add(Math.min(left, chunkSize));
            }
        }
        return put(path, in, pieces, session);
    }

    /**
     * @param pieces each chunk's length, or {@code null} for chunks of the chunk size up to the end
     */
    private Manifest.FileEntry put(String path, InputStream in, List<Long> pieces, UploadSession session)
            throws IOException
    {
        requireNonNull(session, "session is null");
        // the whole-file hash is sequential and stays here; chunk hashes and uploads run on the transfer threads
        MessageDigest whole = Hashes.sha256();
        List<Future<String>> chunks = new ArrayList<>();
        // bounds the chunk buffers held in memory while they hash and upload
        Semaphore buffers = new Semaphore(window);
        List<Long> lengths = new ArrayList<>();
        long size = 0;
        try {
            while (true) {
                int length = chunkSize;
                if (pieces != null) {
                    if (lengths.size() == pieces.size()) {
                        if (in.read() != -1) {
                            throw new IOException("File " + path + " is longer than its regions (" + size + " bytes)");
                        }
                        break;
                    }
                    length = pieces.get(lengths.size()).intValue();
                }
                byte[] chunk = in.readNBytes(length);
                if (pieces != null && chunk.length < length) {
                    throw new IOException("File " + path + " ends after " + (size + chunk.length) + " bytes, before the end of its regions");
                }
                if (chunk.length == 0) {
                    break;
                }
                size += chunk.length;
                lengths.add((long) chunk.length);
                whole.update(chunk);
                acquire(buffers);
                chunks.add(transfers.submit(() -> {
                    long cpu = Threads.currentThreadCpuNanos();
                    try {
                        String hash = Hashes.sha256Hex(chunk);
                        upload(hash, chunk, session);
                        return hash;
                    }
                    finally {
                        session.spentCpu(Threads.currentThreadCpuNanos() - cpu);
                        buffers.release();
                    }
                }));
                if (pieces == null && chunk.length < chunkSize) {
                    break;
                }
            }
            List<String> hashes = new ArrayList<>(chunks.size());
            for (Future<String> chunk : chunks) {
                hashes.add(chunk.get());
            }
            return new Manifest.FileEntry(path, size, Hashes.hex(whole.digest()), List.copyOf(hashes), List.copyOf(lengths));
        }
        catch (IOException e) {
            chunks.forEach(future -> future.cancel(false));
            throw e;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while uploading " + path, e);
        }
        catch (CancellationException | RejectedExecutionException e) {
            throw closed("uploading " + path, e);
        }
        catch (ExecutionException e) {
            chunks.forEach(future -> future.cancel(false));
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException io) {
                throw new IOException("Cannot upload a chunk of " + path + " to " + store.location() + ": " + io.getMessage(), io);
            }
            throw new IOException("Cannot upload a chunk of " + path + " to " + store.location(), cause);
        }
    }

    /**
     * Writing a chunk that does exist rewrites the same bytes under the same name, so a lookup is only
     * worth its request while the session cannot tell.
     */
    private void upload(String hash, byte[] chunk, UploadSession session)
            throws IOException
    {
        if (session.isKnown(hash)) {
            return;
        }
        String key = RepositoryLayout.chunkKey(hash);
        if (!session.askBeforeWriting() || !store.exists(key)) {
            store.write(key, new ByteArrayInputStream(chunk), chunk.length);
            session.wrote(chunk.length);
        }
        session.stored(hash);
    }

    /**
     * Streams a checkpoint file, verifying every chunk's hash and the whole file's. Chunks are fetched
     * and hashed ahead on the transfer threads, a bounded window of them at a time, and written in
     * order.
     *
     * @throws CorruptCheckpointException naming the file and chunk on a mismatch or a missing chunk
     */
    public void readFile(Manifest manifest, Manifest.FileEntry file, OutputStream out)
            throws IOException
    {
        MessageDigest whole = Hashes.sha256();
        List<String> hashes = file.chunks();
        List<Long> lengths = manifest.chunkLengths(file);
        Deque<Future<byte[]>> ahead = new ArrayDeque<>();
        int requested = 0;
        try {
            for (int i = 0; i < hashes.size(); i++) {
                while (requested < hashes.size() && requested < i + window) {
                    int index = requested++;
                    ahead.add(transfers.submit(() -> readChunk(manifest, file, index)));
                }
                // taken off only once done, so a failure or an interrupt cancels it with the rest
                byte[] chunk = ahead.peek().get();
                ahead.remove();
                long expectedSize = lengths.get(i);
                if (chunk.length != expectedSize) {
                    throw new CorruptCheckpointException("Chunk " + hashes.get(i) + " (chunk " + i + " of " + file.path() + " in " + describe(manifest)
                            + ") has " + chunk.length + " bytes, expected " + expectedSize);
                }
                whole.update(chunk);
                out.write(chunk);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (CancellationException | RejectedExecutionException e) {
            throw closed("reading " + file.path() + " of " + describe(manifest), e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("Cannot read " + file.path() + " of " + describe(manifest), cause);
        }
        finally {
            ahead.forEach(future -> future.cancel(false));
        }
        String actual = Hashes.hex(whole.digest());
        if (!actual.equals(file.sha256())) {
            throw new CorruptCheckpointException("File " + file.path() + " in " + describe(manifest) + " hashes to " + actual + ", expected " + file.sha256());
        }
    }

    /**
     * Re-reads and re-hashes every chunk of a checkpoint.
     *
     * @return the problems found, empty when the checkpoint is intact
     */
    public List<String> verify(Manifest manifest)
            throws IOException
    {
        List<String> problems = new ArrayList<>();
        for (Manifest.FileEntry file : manifest.files()) {
            try {
                readFile(manifest, file, OutputStream.nullOutputStream());
            }
            catch (CorruptCheckpointException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /**
     * The number of chunks a reader keeps in flight at once: the read-ahead window.
     */
    int readWindow()
    {
        return window;
    }

    /**
     * Runs a chunk transfer on the transfer threads; for {@link ChunkReader}.
     *
     * @throws RejectedExecutionException when the store is closed
     */
    <T> Future<T> submitTransfer(Callable<T> transfer)
    {
        return transfers.submit(transfer);
    }

    CheckpointStore store()
    {
        return store;
    }

    private byte[] readChunk(Manifest manifest, Manifest.FileEntry file, int index)
            throws IOException
    {
        String hash = file.chunks().get(index);
        byte[] chunk;
        try {
            chunk = store.readAllBytes(RepositoryLayout.chunkKey(hash));
        }
        catch (FileNotFoundException e) {
            throw new CorruptCheckpointException("Chunk " + hash + " (chunk " + index + " of " + file.path() + " in " + describe(manifest) + ") is missing from " + store.location(), e);
        }
        String actual = Hashes.sha256Hex(chunk);
        if (!actual.equals(hash)) {
            throw new CorruptCheckpointException("Chunk " + hash + " (chunk " + index + " of " + file.path() + " in " + describe(manifest) + ") is damaged: its content hashes to " + actual);
        }
        return chunk;
    }

    public static String describe(Manifest manifest)
    {
        return "run " + manifest.run() + " step " + manifest.step();
    }

    /**
     * Waits for a chunk buffer; gives up when the store is closed, whose transfer threads would never
     * release one.
     */
    private void acquire(Semaphore buffers)
            throws InterruptedException, IOException
    {
        while (!buffers.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (transfers.isShutdown()) {
                throw new IOException("Repository " + store.location() + " was closed while a file was uploading");
            }
        }
    }

    IOException closed(String action, RuntimeException cause)
    {
        return new IOException("Repository " + store.location() + " was closed while " + action, cause);
    }

    /**
     * Stops the transfer threads, cancelling what never started so no reader or writer waits on it.
     */
    @Override
    public void close()
    {
        transfers.shutdownNow().forEach(task -> {
            if (task instanceof Future<?> future) {
                future.cancel(false);
            }
        });
    }
}
