package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.internal.Threads;
import io.cairn.core.store.CheckpointStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * the transfer threads ({@link FileUpload}), and come out verified, chunk by chunk and whole, fetched
 * ahead in a bounded window. Knows nothing of manifests' commit or of TensorFlow.
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
    // the upload buffers: at most a window of them exist, reused from save to save (a fresh array is a
    // pass of zeroing over memory the copy then overwrites)
    private final Semaphore uploadBuffers;
    private final Queue<byte[]> freeBuffers = new ConcurrentLinkedQueue<>();

    public ChunkStore(CheckpointStore store, int chunkSize, int transferThreads)
    {
        this.store = requireNonNull(store, "store is null");
        this.chunkSize = chunkSize;
        this.window = Math.max(1, Math.min(2 * transferThreads, WINDOW_BYTES / chunkSize));
        this.transfers = Executors.newFixedThreadPool(transferThreads, Threads.daemonThreadsNamed("cairn-transfer-%d"));
        this.uploadBuffers = new Semaphore(window);
    }

    public int chunkSize()
    {
        return chunkSize;
    }

    /**
     * Starts putting a file into the store, region by region; see {@link FileUpload}.
     */
    public FileUpload startFile(String path, UploadSession session)
    {
        return new FileUpload(this, path, session);
    }

    public Manifest.FileEntry putFile(String path, Path file, UploadSession session)
            throws IOException
    {
        try (InputStream in = Files.newInputStream(file)) {
            return putFile(path, in, session);
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
        try (FileUpload upload = startFile(path, session)) {
            upload.append(in);
            return upload.finish();
        }
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
        for (Long region : regions) {
            if (region == null || region < 1) {
                throw new IllegalArgumentException("Region of " + region + " bytes in " + path + "; regions have at least one byte");
            }
        }
        try (FileUpload upload = startFile(path, session)) {
            for (long region : regions) {
                long start = upload.size();
                upload.appendRegion(region, (position, target, offset, length) -> {
                    int read = in.readNBytes(target, offset, length);
                    if (read < length) {
                        throw new IOException("File " + path + " ends after " + (start + position + read) + " bytes, before the end of its regions");
                    }
                });
            }
            if (in.read() != -1) {
                throw new IOException("File " + path + " is longer than its regions (" + upload.size() + " bytes)");
            }
            return upload.finish();
        }
    }

    /**
     * Streams a checkpoint file, verifying every chunk's hash and the whole file's. Chunks are fetched
     * and hashed ahead on the transfer threads, a bounded window of them at a time, and written in
     * order ({@link ChunkReader#readInOrder}). The file's hash is checked as its manifest's format version defines it: over the chunk
     * hashes (version 3 on), or over the bytes (versions 1 and 2).
     *
     * @throws CorruptCheckpointException naming the file and chunk on a mismatch or a missing chunk
     */
    public void readFile(Manifest manifest, Manifest.FileEntry file, OutputStream out)
            throws IOException
    {
        boolean hashesChunkLists = manifest.hashesChunkLists();
        MessageDigest whole = Hashes.sha256();
        ChunkReader.readInOrder(this, manifest, file, (index, chunk) -> {
            if (!hashesChunkLists) {
                whole.update(chunk);
            }
            out.write(chunk);
        });
        String actual = hashesChunkLists ? Hashes.chunkListHash(file.chunks()) : Hashes.hex(whole.digest());
        if (!actual.equals(file.sha256())) {
            throw new CorruptCheckpointException("File " + file.path() + " in " + describe(manifest) + (hashesChunkLists ? " lists chunks that hash to " : " hashes to ")
                    + actual + ", expected " + file.sha256());
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

    /**
     * What a failed chunk read on a transfer thread throws on the reading thread: its own I/O or runtime
     * failure (a {@link CorruptCheckpointException} names the chunk), an error as it is.
     */
    static IOException readFailure(ExecutionException failure, Manifest manifest, Manifest.FileEntry file)
    {
        Throwable cause = failure.getCause();
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException("Cannot read " + file.path() + " of " + describe(manifest), cause);
    }

    public static String describe(Manifest manifest)
    {
        return "run " + manifest.run() + " step " + manifest.step();
    }

    CheckpointStore store()
    {
        return store;
    }

    URI location()
    {
        return store.location();
    }

    ExecutorService transfers()
    {
        return transfers;
    }

    /**
     * Waits for an upload buffer of the chunk size; gives up when the store is closed, whose transfer
     * threads would never return one.
     */
    byte[] takeBuffer(String action)
            throws InterruptedException, IOException
    {
        while (!uploadBuffers.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (transfers.isShutdown()) {
                throw closed(action, null);
            }
        }
        byte[] buffer = freeBuffers.poll();
        return buffer != null ? buffer : new byte[chunkSize];
    }

    void returnBuffer(byte[] buffer)
    {
        freeBuffers.add(buffer);
        uploadBuffers.release();
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
