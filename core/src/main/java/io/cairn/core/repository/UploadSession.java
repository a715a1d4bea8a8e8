package io.cairn.core.repository;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.internal.Threads;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one run's uploads know about the repository's chunks, owned by that run. A run's first save
 * looks up every chunk it does not know (another run or an earlier session may have stored it). After
 * each save's retention the run trusts exactly the chunks of its live checkpoints (committed, and
 * deleted only by its own retention) and writes every other chunk without a lookup: a changed weight
 * is almost surely a new chunk, and on S3 that saves a request per chunk.
 *
 * <p>Thread-safe: the transfer threads of one save consult it concurrently.
 */
public final class UploadSession
{
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Set<String> distrusted = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong transferCpuNanos = new AtomicLong();
    private final boolean lowerPriority;
    private volatile boolean askBeforeWriting = true;

    /**
     * A session whose chunks upload at the transfer threads' priority as it is.
     */
    public UploadSession()
    {
        this(false);
    }

    /**
     * @param lowerPriority whether a transfer thread lowers its OS priority before it uploads this
     * session's chunks ({@link Threads#runInBackground()}; it stays lowered, since raising it back takes
     * privileges)
     */
    public UploadSession(boolean lowerPriority)
    {
        this.lowerPriority = lowerPriority;
    }

    void runInBackground()
    {
        if (lowerPriority) {
            Threads.runInBackground();
        }
    }

    /**
     * Whether the chunk needs no upload at all: a live checkpoint of this run holds it, or this run
     * wrote or found it since; never a distrusted chunk the session has not written.
     */
    public boolean isKnown(String hash)
    {
        return known.contains(hash);
    }

    /**
     * Whether to ask the store for an unknown chunk before writing it.
     */
    boolean askBeforeWriting(String hash)
    {
        return askBeforeWriting && !distrusted.contains(hash);
    }

    void stored(String hash)
    {
        distrusted.remove(hash);
        known.add(hash);
    }

    /**
     * Never skip these chunks, nor look them up, until this session has written them: they belong to
     * checkpoints a restore found damaged (a chunk missing or not matching its hash), so the copy in the
     * store, if any, cannot be trusted. Writing one rewrites the right bytes under its name.
     */
    public void distrust(Set<String> hashes)
    {
        distrusted.addAll(hashes);
        known.removeAll(hashes);
    }

    void wrote(int bytes)
    {
        bytesWritten.addAndGet(bytes);
    }

    void spentCpu(long nanos)
    {
        transferCpuNanos.addAndGet(nanos);
    }

    /**
     * CPU time the transfer threads spent on this session's chunks so far (hashing, copying, writing).
     */
    public long transferCpuNanos()
    {
        return transferCpuNanos.get();
    }

    /**
     * Bytes of chunks this session wrote to the store so far: what its saves added to the repository.
     */
    public long bytesWritten()
    {
        return bytesWritten.get();
    }

    /**
     * From now on, skip exactly the chunks these checkpoints reference, forget every other chunk, and
     * write unknown chunks without looking them up. Distrusted chunks stay unknown.
     */
    public void trustChunksOf(List<Manifest> live)
    {
        Set<String> chunks = new HashSet<>();
        live.forEach(manifest -> manifest.files().forEach(file -> chunks.addAll(file.chunks())));
        chunks.removeAll(distrusted);
        known.retainAll(chunks);
        known.addAll(chunks);
        askBeforeWriting = false;
    }
}
