package io.cairn.core.repository;

import io.cairn.core.checkpoint.CheckpointRepository.GcResult;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.CheckpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Deletes checkpoints and sweeps chunks. Manifests go first, so no checkpoint is ever visible with
 * chunks missing; a chunk goes only when no committed manifest references it. Chunks of a save that
 * never committed (its writer died) are unreferenced, so a sweep takes them once no run holds a live
 * lease.
 */
public final class GarbageCollector
{
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    private final CheckpointStore store;
    private final ManifestCatalog catalog;
    private final Clock clock;

    public GarbageCollector(CheckpointStore store, ManifestCatalog catalog, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Deletes checkpoints, then the chunks only they referenced.
     *
     * @return the hashes of the chunks deleted
     */
    public Set<String> delete(List<Manifest> manifests)
            throws IOException
    {
        if (manifests.isEmpty()) {
            return Set.of();
        }
        catalog.delete(manifests);
        Set<String> candidates = new HashSet<>();
        manifests.forEach(manifest -> manifest.files().forEach(file -> candidates.addAll(file.chunks())));
        candidates.removeAll(catalog.referencedChunks());
        store.delete(candidates.stream().map(RepositoryLayout::chunkKey).toList());
        return candidates;
    }

    /**
     * Deletes every chunk no committed manifest references. A save in flight has uploaded chunks its
     * manifest does not reference yet, so unless {@code force} is set this refuses while any run of the
     * repository holds a live lease (is being written).
     *
     * @throws IllegalStateException naming the run, host and pid of a live writer
     */
    public GcResult sweep(boolean dryRun, boolean force)
            throws IOException
    {
        if (!force && !dryRun) {
            for (String run : catalog.runs()) {
                Optional<RunLease.Holder> holder = RunLease.liveHolder(store, run, clock.instant());
                if (holder.isPresent()) {
                    throw new IllegalStateException("Run " + run + " is being written by " + holder.get().host() + " pid " + holder.get().pid()
                            + " (lease until " + holder.get().expiresAt() + "); a sweep now could delete chunks its next checkpoint needs. "
                            + "Run gc when training has stopped, or pass force=true");
                }
            }
            // an unreadable manifest's chunks are unknown: a copy of it put back would need them
            List<DamagedCheckpoint> damaged = catalog.damaged();
            if (!damaged.isEmpty()) {
                throw new IllegalStateException("Damaged manifest(s) " + damaged.stream().map(DamagedCheckpoint::key).toList()
                        + " reference chunks no one can tell; a sweep now could delete them. Resume the run (which moves a damaged manifest aside "
                        + "when it commits the step again), delete or repair them, or pass force=true");
            }
        }
        Set<String> referenced = catalog.referencedChunks();
        List<String> unreferenced = new ArrayList<>();
        long chunkCount = 0;
        for (String key : store.list(RepositoryLayout.CHUNKS)) {
            Optional<String> hash = RepositoryLayout.chunkHash(key);
            if (hash.isEmpty()) {
                continue;
            }
            chunkCount++;
            if (!referenced.contains(hash.get())) {
                unreferenced.add(key);
            }
        }
        if (!dryRun) {
            // the two lines time the deletes, the one part of a sweep that changes the store
            log.debug("Sweeping {} unreferenced chunk(s) of {}", unreferenced.size(), chunkCount);
            store.delete(unreferenced);
            log.debug("Swept {} unreferenced chunk(s)", unreferenced.size());
        }
        return new GcResult(chunkCount, referenced.size(), unreferenced);
    }
}
