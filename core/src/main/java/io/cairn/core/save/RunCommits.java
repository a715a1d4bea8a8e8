package io.cairn.core.save;

import io.cairn.core.checkpoint.CheckpointListener;
import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.repository.ManifestCatalog;
import io.cairn.core.repository.RunLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The end of one save of a run, on the save thread: commit the manifest under the run's lease, record
 * it, tell the listeners, and apply the run's retention. A retried save of a resumed run that finds the
 * same checkpoint already committed keeps it (training is deterministic); a different one is an error.
 */
public final class RunCommits
{
    private static final Logger log = LoggerFactory.getLogger(RunCommits.class);

    private final String run;
    private final ManifestCatalog catalog;
    private final RunLease lease;
    private final Optional<Manifest> resumedFrom;
    private final RunRetention retention;
    private final SaveTimings timings;
    private final List<CheckpointListener> listeners;

    public RunCommits(String run, ManifestCatalog catalog, RunLease lease, Optional<Manifest> resumedFrom, RunRetention retention, SaveTimings timings,
            List<CheckpointListener> listeners)
    {
        this.run = requireNonNull(run, "run is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.resumedFrom = requireNonNull(resumedFrom, "resumedFrom is null");
        this.retention = requireNonNull(retention, "retention is null");
        this.timings = requireNonNull(timings, "timings is null");
        this.listeners = requireNonNull(listeners, "listeners is null");
    }

    /**
     * @param chunkBytesAdded the bytes of new chunks the save wrote
     * @param cost the save's background work so far, measured up to the commit
     */
    public void commit(Manifest manifest, long chunkBytesAdded, SaveCost cost)
            throws IOException
    {
        int manifestBytes;
        try {
            manifestBytes = catalog.commit(manifest, lease);
        }
        catch (FileAlreadyExistsException e) {
            Manifest existing = existing(manifest.step(), e);
            if (resumedFrom.isEmpty() || manifest.step() <= resumedFrom.get().step() || !sameContent(existing, manifest)) {
                throw new FileAlreadyExistsException(e.getFile(), null, "Run " + run + " already has a different checkpoint at step " + manifest.step()
                        + " (" + existing.kind() + "); resume from its newest checkpoint or start a new run");
            }
            // an earlier attempt of this run committed the same checkpoint: training is deterministic
            log.info("Run {} already has step {}; keeping the committed checkpoint", run, manifest.step());
            return;
        }
        CommittedSave committed = new CommittedSave(manifest.step(), manifest.kind(), manifest.bytes(), chunkBytesAdded + manifestBytes, cost.elapsed(), cost.cpu());
        log.debug("Run {} committed step {}: background {} ms, CPU {} ms, {} MB", run, manifest.step(), committed.backgroundTime().toMillis(),
                committed.backgroundCpuTime().toMillis(), String.format(Locale.ROOT, "%.1f", manifest.bytes() / 1e6));
        timings.committed(committed);
        retention.committed(manifest.step());
        listeners.forEach(listener -> listener.onCommitted(manifest));
        try {
            List<Long> deleted = retention.apply();
            if (!deleted.isEmpty()) {
                listeners.forEach(listener -> listener.onDeleted(deleted));
            }
        }
        catch (IOException | RuntimeException e) {
            // the checkpoint is committed; what retention could not delete now it deletes after the next save
            log.warn("Retention of run {} after step {} failed: {}", run, manifest.step(), e.getMessage());
        }
    }

    private Manifest existing(long step, FileAlreadyExistsException conflict)
            throws IOException
    {
        try {
            return catalog.checkpoint(run, step);
        }
        catch (FileNotFoundException e) {
            e.addSuppressed(conflict);
            throw e;
        }
    }

    /**
     * Whether two checkpoints hold the same files. Their file hashes compare when both manifests define
     * them alike (over chunk hashes since format version 3, over bytes before); otherwise the chunk lists
     * do, which only match for files cut alike.
     */
    static boolean sameContent(Manifest existing, Manifest manifest)
    {
        boolean sameHashes = existing.hashesChunkLists() == manifest.hashesChunkLists();
        return existing.kind() == manifest.kind()
                && existing.files().stream().map(file -> contentKey(file, sameHashes)).toList()
                        .equals(manifest.files().stream().map(file -> contentKey(file, sameHashes)).toList());
    }

    private static String contentKey(Manifest.FileEntry file, boolean byFileHash)
    {
        return file.path() + ":" + (byFileHash ? file.sha256() : String.join(",", file.chunks()));
    }
}
