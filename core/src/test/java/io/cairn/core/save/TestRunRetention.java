package io.cairn.core.save;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.FileManifests;
import io.cairn.core.repository.GarbageCollector;
import io.cairn.core.repository.ManifestCatalog;
import io.cairn.core.repository.RepositoryLayout;
import io.cairn.core.repository.RunLease;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention of a run: the rules decide, except that the newest checkpoint and the one the run resumed
 * from (until a newer one commits) always stay, and only the run's own checkpoints go.
 */
class TestRunRetention
{
    private static final int CHUNK = 4096;
    private static final RetentionPolicy KEEP_NONE = checkpoints -> Set.of();

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final ChunkStore chunks = new ChunkStore(store, CHUNK, 2);
    private final ManifestCatalog catalog = new ManifestCatalog(store);
    private final GarbageCollector collector = new GarbageCollector(store, catalog, Clock.systemUTC());
    private final UploadSession session = new UploadSession();

    @AfterEach
    void close()
    {
        chunks.close();
    }

    @Test
    void theNewestCheckpointStaysWhateverTheRulesSay()
            throws IOException
    {
        commit("run-a", 10, 20, 30);
        RunRetention retention = new RunRetention("run-a", KEEP_NONE, catalog, collector, session, Optional.empty());

        assertThat(retention.apply()).containsExactlyInAnyOrder(10L, 20L);
        assertThat(steps("run-a")).containsExactly(30L);
    }

    @Test
    void theResumedFromCheckpointStaysUntilANewerOneCommits()
            throws IOException
    {
        List<Manifest> committed = commit("run-a", 10, 20);
        Manifest resumedFrom = committed.get(0);
        RunRetention retention = new RunRetention("run-a", RetentionPolicy.keepLast(1), catalog, collector, session, Optional.of(resumedFrom));

        // keep-last 1 would delete step 10, the resume point: it stays until this run commits
        assertThat(retention.apply()).isEmpty();
        assertThat(steps("run-a")).containsExactly(10L, 20L);

        commit("run-a", 30);
        retention.committed(30);
        assertThat(retention.apply()).containsExactlyInAnyOrder(10L, 20L);
        assertThat(steps("run-a")).containsExactly(30L);
    }

    @Test
    void onlyTheRunsOwnCheckpointsAreDeleted()
            throws IOException
    {
        commit("run-a", 10, 20);
        commit("run-b", 10, 20);
        new RunRetention("run-a", KEEP_NONE, catalog, collector, session, Optional.empty()).apply();

        assertThat(steps("run-a")).containsExactly(20L);
        assertThat(steps("run-b")).containsExactly(10L, 20L);
        catalog.checkpoints("run-b").forEach(manifest -> {
            try {
                assertThat(chunks.verify(manifest)).isEmpty();
            }
            catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void afterwardsTheRunTrustsExactlyTheChunksOfItsLiveCheckpoints()
            throws IOException
    {
        List<Manifest> committed = commit("run-a", 10, 20);
        new RunRetention("run-a", KEEP_NONE, catalog, collector, session, Optional.empty()).apply();

        assertThat(committed.get(1).files().get(0).chunks()).allMatch(session::isKnown);
        assertThat(committed.get(0).files().get(0).chunks()).noneMatch(session::isKnown);
    }

    @Test
    void aDeleteThatFailsHalfWayLeavesNoDeletedChunkTrusted()
            throws IOException
    {
        List<Manifest> committed = commit("run-a", 10, 20);
        session.trustChunksOf(committed);
        // the manifests go, then the chunk delete fails: some of step 10's chunks may be gone
        CheckpointStore failingChunkDeletes = new ForwardingCheckpointStore(store)
        {
            @Override
            public void delete(Collection<String> keys)
                    throws IOException
            {
                if (keys.stream().anyMatch(key -> key.startsWith(RepositoryLayout.CHUNKS))) {
                    throw new IOException("delete refused (injected)");
                }
                super.delete(keys);
            }
        };
        RunRetention retention = new RunRetention("run-a", KEEP_NONE, catalog, new GarbageCollector(failingChunkDeletes, catalog, Clock.systemUTC()), session,
                Optional.empty());

        assertThatThrownBy(retention::apply).hasMessageContaining("delete refused (injected)");
        // a later save writes them again rather than skip them
        assertThat(committed.get(0).files().get(0).chunks()).noneMatch(session::isKnown);
        assertThat(committed.get(1).files().get(0).chunks()).allMatch(session::isKnown);
    }

    private List<Manifest> commit(String run, long... steps)
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, run, Duration.ofSeconds(60), Clock.systemUTC());
        try {
            List<Manifest> manifests = new ArrayList<>();
            for (long step : steps) {
                // each run and step its own bytes, so no chunk is shared
                Manifest manifest = FileManifests.committable(chunks, run, step, FileManifests.randomBytes(2 * CHUNK, (run + step).hashCode()));
                catalog.commit(manifest, lease);
                manifests.add(manifest);
            }
            return manifests;
        }
        finally {
            lease.release();
        }
    }

    private List<Long> steps(String run)
            throws IOException
    {
        return catalog.checkpoints(run).stream().map(Manifest::step).toList();
    }
}
