package io.cairn.core.repository;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The commit protocol: a checkpoint exists exactly when its manifest does, and only the holder of the
 * run's lease creates one.
 */
class TestManifestCatalog
{
    private static final int CHUNK = 4096;
    private static final Duration TTL = Duration.ofSeconds(60);

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final ChunkStore chunks = new ChunkStore(store, CHUNK, 2);
    private final ManifestCatalog catalog = new ManifestCatalog(store);

    @AfterEach
    void close()
    {
        chunks.close();
    }

    @Test
    void commitsUnderTheRunsLeaseAndListsByStep()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        catalog.commit(FileManifests.committable(chunks, "run-a", 20, bytes(1)), lease);
        catalog.commit(FileManifests.committable(chunks, "run-a", 10, bytes(2)), lease);

        assertThat(catalog.runs()).containsExactly("run-a");
        assertThat(catalog.checkpoints("run-a")).extracting(Manifest::step).containsExactly(10L, 20L);
        assertThat(catalog.latest("run-a")).map(Manifest::step).contains(20L);
        // a second catalog reads what the first committed
        assertThat(new ManifestCatalog(store).checkpoint("run-a", 10).files()).isEqualTo(catalog.checkpoint("run-a", 10).files());
    }

    @Test
    void aRetriedCommitOfTheSameManifestSucceedsAndADifferentOneAtTheSameStepFails()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest committed = FileManifests.committable(chunks, "run-a", 80, bytes(1));
        catalog.commit(committed, lease);
        // what a client retrying a request whose first attempt landed does
        catalog.commit(committed, lease);
        Manifest other = new Manifest(committed.formatVersion(), committed.run(), committed.step(), committed.epoch(), committed.kind(),
                "2030-01-01T00:00:00Z", committed.metrics(), committed.model(), committed.chunkSize(), committed.files(), committed.variables(), null);
        assertThatThrownBy(() -> catalog.commit(other, lease))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("already has a checkpoint at step " + committed.step());
        assertThat(new ManifestCatalog(store).checkpoint(committed.run(), committed.step()).createdAt()).isEqualTo(committed.createdAt());
    }

    @Test
    void aCommitWhoseAnswerIsLostAfterItsManifestLandedIsACommitAndOneThatNeverLandedFails()
            throws IOException
    {
        // what a timed-out request the client gave up on looks like: written, or not, and an error either way
        boolean[] lands = {true};
        ForwardingCheckpointStore lossy = new ForwardingCheckpointStore(store)
        {
            @Override
            public void createIfAbsent(String key, byte[] data)
                    throws IOException
            {
                if (key.startsWith("runs/run-a/checkpoints/")) {
                    if (lands[0]) {
                        super.createIfAbsent(key, data);
                    }
                    throw new IOException("Cannot create " + key + ": the request timed out (injected)");
                }
                super.createIfAbsent(key, data);
            }
        };
        ManifestCatalog lossyCatalog = new ManifestCatalog(lossy);
        RunLease lease = RunLease.acquire(lossy, "run-a", TTL, Clock.systemUTC());
        Manifest landed = FileManifests.committable(chunks, "run-a", 10, bytes(1));
        assertThat(lossyCatalog.commit(landed, lease)).isPositive();

        lands[0] = false;
        Manifest lost = FileManifests.committable(chunks, "run-a", 20, bytes(2));
        assertThatThrownBy(() -> lossyCatalog.commit(lost, lease))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("timed out (injected)");

        assertThat(new ManifestCatalog(store).checkpoints("run-a")).extracting(Manifest::step).containsExactly(10L);
        assertThat(new ManifestCatalog(store).checkpoint("run-a", 10).createdAt()).isEqualTo(landed.createdAt());
    }

    @Test
    void aWriterThatLostItsLeaseCommitsNothing()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest manifest = FileManifests.committable(chunks, "run-a", 10, bytes(1));
        lease.release();

        assertThatThrownBy(() -> catalog.commit(manifest, lease))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Lost the lease of run run-a")
                .hasMessageContaining("step 10 was not committed");
        assertThat(store.keys()).noneMatch(key -> key.startsWith(RepositoryLayout.checkpointsPrefix("run-a")));
    }

    @Test
    void theLeaseOfOneRunCannotCommitAnother()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest manifest = FileManifests.committable(chunks, "run-b", 10, bytes(1));

        assertThatThrownBy(() -> catalog.commit(manifest, lease))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("The lease of run run-a cannot commit a checkpoint of run run-b");
        assertThat(catalog.runs()).containsExactly("run-a");
        assertThat(catalog.checkpoints("run-b")).isEmpty();
    }

    @Test
    void anInvalidManifestIsNeverCommitted()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest valid = FileManifests.committable(chunks, "run-a", 10, bytes(1));
        Manifest.FileEntry file = valid.files().get(0);
        // a chunk list one chunk short of the file's size
        Manifest invalid = new Manifest(valid.formatVersion(), valid.run(), valid.step(), valid.epoch(), valid.kind(), valid.createdAt(), valid.metrics(),
                valid.model(), valid.chunkSize(), List.of(new Manifest.FileEntry(file.path(), file.size(), file.sha256(), file.chunks().subList(1, file.chunks().size()),
                        file.chunkSizes().subList(1, file.chunkSizes().size()))),
                valid.variables(), null);

        assertThatThrownBy(() -> catalog.commit(invalid, lease))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add up to " + (file.size() - file.chunkSizes().get(0)) + " bytes, its size is " + file.size());
        assertThat(catalog.checkpoints("run-a")).isEmpty();
    }

    @Test
    void deletedManifestsLeaveTheListingAndTheCache()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest first = FileManifests.committable(chunks, "run-a", 10, bytes(1));
        catalog.commit(first, lease);
        catalog.commit(FileManifests.committable(chunks, "run-a", 20, bytes(2)), lease);

        catalog.delete(List.of(first));

        assertThat(catalog.checkpoints("run-a")).extracting(Manifest::step).containsExactly(20L);
        assertThatThrownBy(() -> catalog.checkpoint("run-a", 10)).hasMessageContaining("Run run-a has no checkpoint at step 10");
    }

    @Test
    void aDamagedManifestIsListedApartAndHidesNoOtherCheckpoint()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        for (long step : new long[] {10, 20, 30}) {
            catalog.commit(FileManifests.committable(chunks, "run-a", step, bytes(step)), lease);
        }
        String truncated = RepositoryLayout.manifestKey("run-a", 20);
        byte[] json = store.readAllBytes(truncated);
        store.put(truncated, Arrays.copyOf(json, json.length / 2));
        // a hostile manifest: a file path that leaves the checkpoint directory
        String hostile = RepositoryLayout.manifestKey("run-a", 30);
        store.put(hostile, new String(store.readAllBytes(hostile), StandardCharsets.UTF_8)
                .replace("\"" + CheckpointFiles.VARIABLES_INDEX + "\"", "\"../../etc/" + CheckpointFiles.VARIABLES_INDEX + "\"").getBytes(StandardCharsets.UTF_8));
        ManifestCatalog fresh = new ManifestCatalog(store);

        assertThat(fresh.checkpoints("run-a")).extracting(Manifest::step).containsExactly(10L);
        assertThat(fresh.scan("run-a").damaged()).extracting(DamagedCheckpoint::step, DamagedCheckpoint::key)
                .containsExactly(tuple(20L, truncated), tuple(30L, hostile));
        assertThat(fresh.damaged().get(0).reason()).contains(truncated).contains("not valid JSON");
        assertThat(fresh.damaged().get(1).reason()).contains("../../etc/");
        assertThat(fresh.latest("run-a")).map(Manifest::step).contains(10L);
        assertThatThrownBy(() -> fresh.checkpoint("run-a", 30)).isInstanceOf(CorruptCheckpointException.class);
    }

    @Test
    void committingADamagedStepAgainMovesTheDamagedManifestToQuarantineFirst()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest manifest = FileManifests.committable(chunks, "run-a", 20, bytes(1));
        catalog.commit(manifest, lease);
        String key = RepositoryLayout.manifestKey("run-a", 20);
        byte[] garbage = "{\"not\": \"a manifest\"}".getBytes(StandardCharsets.UTF_8);
        store.put(key, garbage);
        ManifestCatalog fresh = new ManifestCatalog(store);

        assertThat(fresh.commit(manifest, lease)).isPositive();

        assertThat(fresh.checkpoints("run-a")).extracting(Manifest::step).containsExactly(20L);
        assertThat(fresh.scan("run-a").damaged()).isEmpty();
        List<String> quarantined = fresh.quarantined("run-a");
        assertThat(quarantined).singleElement().satisfies(moved -> {
            assertThat(RepositoryLayout.quarantinedStep("run-a", moved)).contains(20L);
            assertThat(store.readAllBytes(moved)).isEqualTo(garbage);
        });
        assertThat(fresh.runs()).containsExactly("run-a");
    }

    @Test
    void aDamagedManifestIsLeftInPlaceByAWriterThatLostItsLease()
            throws IOException
    {
        RunLease lease = RunLease.acquire(store, "run-a", TTL, Clock.systemUTC());
        Manifest manifest = FileManifests.committable(chunks, "run-a", 20, bytes(1));
        String key = RepositoryLayout.manifestKey("run-a", 20);
        store.put(key, new byte[] {'{'});
        lease.release();

        assertThatThrownBy(() -> catalog.commit(manifest, lease)).isInstanceOf(CheckpointException.class).hasMessageContaining("Lost the lease");
        assertThat(store.readAllBytes(key)).containsExactly('{');
        assertThat(catalog.quarantined("run-a")).isEmpty();
    }

    // three chunks of seeded bytes
    static byte[] bytes(long seed)
    {
        return FileManifests.randomBytes(2 * CHUNK + 100, seed);
    }
}
