package io.cairn.core.repository;

import io.cairn.core.checkpoint.CheckpointRepository.GcResult;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deleting checkpoints and sweeping chunks never leaves a committed checkpoint without its chunks.
 */
class TestGarbageCollector
{
    private static final int CHUNK = 4096;
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final ChunkStore chunks = new ChunkStore(store, CHUNK, 2);
    private final ManifestCatalog catalog = new ManifestCatalog(store);

    @AfterEach
    void close()
    {
        chunks.close();
    }

    @Test
    void deleteRemovesTheManifestsThenOnlyTheChunksNoOtherCheckpointReferences()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        byte[] first = TestManifestCatalog.bytes(1);
        byte[] second = first.clone();
        // the last chunk differs; the first two are shared
        second[second.length - 1] ^= 1;
        Manifest old = FileManifests.committable(chunks, "run-a", 10, first);
        Manifest kept = FileManifests.committable(chunks, "run-a", 20, second);
        catalog.commit(old, lease);
        catalog.commit(kept, lease);

        Set<String> deleted = new GarbageCollector(store, catalog, Clock.systemUTC()).delete(List.of(old));

        Set<String> onlyOld = new HashSet<>(old.files().get(0).chunks());
        onlyOld.removeAll(kept.files().get(0).chunks());
        assertThat(deleted).hasSize(1).isEqualTo(onlyOld);
        assertThat(catalog.checkpoints("run-a")).extracting(Manifest::step).containsExactly(20L);
        assertThat(chunks.verify(kept)).isEmpty();
        assertThat(store.keys()).doesNotContain(RepositoryLayout.chunkKey(deleted.iterator().next()));
    }

    @Test
    void aSweepDeletesUnreferencedChunksAndADryRunOnlyReportsThem()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest live = FileManifests.committable(chunks, "run-a", 10, TestManifestCatalog.bytes(1));
        catalog.commit(live, lease);
        lease.release();
        // an orphan: uploaded by a save that never committed
        chunks.putFile("orphan", TestManifestCatalog.bytes(2), new UploadSession());
        GarbageCollector collector = new GarbageCollector(store, catalog, Clock.systemUTC());

        GcResult dryRun = collector.sweep(true, false);
        assertThat(dryRun.chunks()).isEqualTo(6);
        assertThat(dryRun.referenced()).isEqualTo(3);
        assertThat(dryRun.unreferenced()).hasSize(3);
        assertThat(store.keys()).containsAll(dryRun.unreferenced());

        GcResult swept = collector.sweep(false, false);
        assertThat(swept.unreferenced()).containsExactlyInAnyOrderElementsOf(dryRun.unreferenced());
        assertThat(store.keys()).doesNotContainAnyElementsOf(swept.unreferenced());
        assertThat(chunks.verify(live)).isEmpty();
    }

    @Test
    void aSweepRefusesWhileALeaseIsLiveUnlessForcedOrExpired()
            throws IOException
    {
        RunLease.acquire(store, "run-a", TTL, Clock.fixed(T0, ZoneOffset.UTC));
        chunks.putFile("orphan", TestManifestCatalog.bytes(2), new UploadSession());

        GarbageCollector now = new GarbageCollector(store, catalog, Clock.fixed(T0.plusSeconds(1), ZoneOffset.UTC));
        assertThatThrownBy(() -> now.sweep(false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Run run-a is being written by")
                .hasMessageContaining("pid " + ProcessHandle.current().pid())
                .hasMessageContaining("force=true");
        assertThat(store.keys()).anyMatch(key -> key.startsWith(RepositoryLayout.CHUNKS));

        GarbageCollector later = new GarbageCollector(store, catalog, Clock.fixed(T0.plus(TTL).plusSeconds(1), ZoneOffset.UTC));
        assertThat(later.sweep(false, false).unreferenced()).hasSize(3);

        chunks.putFile("orphan", TestManifestCatalog.bytes(2), new UploadSession());
        assertThat(now.sweep(false, true).unreferenced()).hasSize(3);
        assertThat(store.keys()).noneMatch(key -> key.startsWith(RepositoryLayout.CHUNKS));
    }

    @Test
    void aSweepRefusesWhileAManifestIsDamagedUnlessForced()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest damaged = FileManifests.committable(chunks, "run-a", 10, TestManifestCatalog.bytes(1));
        catalog.commit(damaged, lease);
        lease.release();
        String key = RepositoryLayout.manifestKey("run-a", 10);
        store.put(key, new byte[] {'{'});
        GarbageCollector collector = new GarbageCollector(store, new ManifestCatalog(store), Clock.systemUTC());

        assertThatThrownBy(() -> collector.sweep(false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("force=true");
        assertThat(chunks.verify(damaged)).isEmpty();
        assertThat(collector.sweep(true, false).unreferenced()).hasSize(3);
        assertThat(collector.sweep(false, true).unreferenced()).hasSize(3);
    }

    @Test
    void chunksOfASaveThatNeverCommittedAreSweptOnceItsWritersLeaseHasExpired()
            throws IOException
    {
        // the writer commits step 10, uploads step 20's chunks and dies: its lease is never released
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.fixed(T0, ZoneOffset.UTC));
        Manifest committed = FileManifests.committable(chunks, "run-a", 10, TestManifestCatalog.bytes(1));
        catalog.commit(committed, lease);
        Manifest.FileEntry orphan = chunks.putFile("orphan", TestManifestCatalog.bytes(2), new UploadSession());

        GarbageCollector whileLive = new GarbageCollector(store, catalog, Clock.fixed(T0.plus(TTL).minusSeconds(1), ZoneOffset.UTC));
        assertThatThrownBy(() -> whileLive.sweep(false, false)).hasMessageContaining("Run run-a is being written");
        assertThat(store.keys()).containsAll(orphan.chunks().stream().map(RepositoryLayout::chunkKey).toList());

        GarbageCollector afterExpiry = new GarbageCollector(store, catalog, Clock.fixed(T0.plus(TTL).plusSeconds(1), ZoneOffset.UTC));
        assertThat(afterExpiry.sweep(false, false).unreferenced()).containsExactlyInAnyOrderElementsOf(orphan.chunks().stream().map(RepositoryLayout::chunkKey).toList());
        assertThat(store.keys()).doesNotContainAnyElementsOf(orphan.chunks().stream().map(RepositoryLayout::chunkKey).toList());
        assertThat(chunks.verify(committed)).isEmpty();
    }
}
