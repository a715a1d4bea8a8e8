package io.cairn.core.save;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.repository.GarbageCollector;
import io.cairn.core.repository.ManifestCatalog;
import io.cairn.core.repository.UploadSession;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Applies a run's retention rules after each commit, with two protections the rules cannot override:
 * the run's newest checkpoint always stays (a run is never left with nothing to resume from), and the
 * checkpoint the run resumed from stays until a newer one is committed. Only the run's own checkpoints
 * are ever deleted.
 */
public final class RunRetention
{
    private final String run;
    private final RetentionPolicy policy;
    private final ManifestCatalog catalog;
    private final GarbageCollector collector;
    private final UploadSession session;
    private final Optional<Manifest> resumedFrom;
    private volatile boolean newerThanResumeCommitted;

    public RunRetention(String run, RetentionPolicy policy, ManifestCatalog catalog, GarbageCollector collector, UploadSession session, Optional<Manifest> resumedFrom)
    {
        this.run = requireNonNull(run, "run is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.collector = requireNonNull(collector, "collector is null");
        this.session = requireNonNull(session, "session is null");
        this.resumedFrom = requireNonNull(resumedFrom, "resumedFrom is null");
    }

    /**
     * A checkpoint of the run was committed.
     */
    public void committed(long step)
    {
        if (resumedFrom.isEmpty() || step > resumedFrom.get().step()) {
            newerThanResumeCommitted = true;
        }
    }

    /**
     * Deletes the checkpoints no rule keeps, and the chunks only they referenced.
     *
     * @return the steps deleted
     */
    public List<Long> apply()
            throws IOException
    {
        List<Manifest> checkpoints = catalog.checkpoints(run);
        Set<Long> keep = new HashSet<>(policy.keep(checkpoints));
        checkpoints.stream().mapToLong(Manifest::step).max().ifPresent(keep::add);
        if (resumedFrom.isPresent() && !newerThanResumeCommitted) {
            keep.add(resumedFrom.get().step());
        }
        List<Manifest> doomed = checkpoints.stream().filter(manifest -> !keep.contains(manifest.step())).toList();
        // only chunks this run's live checkpoints reference are safe to skip on upload: no sweep deletes them.
        // Trusted before the delete, so a delete that fails half-way leaves no deleted chunk trusted.
        session.trustChunksOf(checkpoints.stream().filter(manifest -> keep.contains(manifest.step())).toList());
        collector.delete(doomed);
        return doomed.stream().map(Manifest::step).toList();
    }
}
