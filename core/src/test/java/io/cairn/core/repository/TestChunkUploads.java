package io.cairn.core.repository;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.internal.Threads;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which store requests a save costs: a run's first save asks before writing each chunk it does not
 * know; later saves skip the chunks of the run's live checkpoints and write the rest without asking.
 */
class TestChunkUploads
{
    private static final int CHUNK = RepositoryDescriptor.MIN_CHUNK_SIZE;

    private final CountingStore store = new CountingStore(new MemoryCheckpointStore());

    @Test
    void firstSaveLooksUpChunksAndFindsThoseAnotherRunWrote()
            throws IOException
    {
        byte[] shared = FileManifests.randomBytes(4 * CHUNK, 1);
        try (ChunkStore other = new ChunkStore(store, CHUNK, 2)) {
            other.putFile("a", shared, new UploadSession());
        }
        store.reset();
        try (ChunkStore chunks = new ChunkStore(store, CHUNK, 2)) {
            UploadSession session = new UploadSession();
            chunks.putFile("a", shared, session);
            assertThat(session.transferCpuNanos()).as("the transfer threads' CPU time for hashing four chunks").isPositive();
            assertThat(store.exists.get()).isEqualTo(4);
            assertThat(store.writes.get()).as("chunks another run wrote are not written again").isZero();
        }
    }

    @Test
    void laterSavesSkipLiveChunksAndWriteNewOnesWithoutLookingThemUp()
            throws IOException
    {
        try (ChunkStore chunks = new ChunkStore(store, CHUNK, 2)) {
            UploadSession session = new UploadSession();
            byte[] first = FileManifests.randomBytes(4 * CHUNK, 1);
            Manifest.FileEntry entry = chunks.putFile("a", first, session);
            session.trustChunksOf(List.of(manifestOf(entry)));
            store.reset();

            // two chunks unchanged, two changed
            byte[] second = first.clone();
            byte[] changed = FileManifests.randomBytes(2 * CHUNK, 2);
            System.arraycopy(changed, 0, second, 2 * CHUNK, changed.length);
            Manifest.FileEntry next = chunks.putFile("a", second, session);

            assertThat(store.exists.get()).isZero();
            assertThat(store.writes.get()).isEqualTo(2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            chunks.readFile(manifestOf(next), next, out);
            assertThat(out.toByteArray()).isEqualTo(second);
        }
    }

    @Test
    void distrustedChunksAreWrittenAgainWhetherLookedUpOrTrustedAsLive()
            throws IOException
    {
        byte[] data = FileManifests.randomBytes(4 * CHUNK, 1);
        try (ChunkStore chunks = new ChunkStore(store, CHUNK, 2)) {
            Manifest.FileEntry entry = chunks.putFile("a", data, new UploadSession());
            String damaged = entry.chunks().get(1);
            // a restore found this chunk damaged: a lookup would find it, a live checkpoint lists it
            UploadSession session = new UploadSession();
            session.distrust(Set.of(damaged));
            store.reset();
            chunks.putFile("a", data, session);
            assertThat(store.exists.get()).as("the other three looked up").isEqualTo(3);
            assertThat(store.writes.get()).as("only the distrusted chunk written").isEqualTo(1);

            UploadSession trusting = new UploadSession();
            trusting.distrust(Set.of(damaged));
            trusting.trustChunksOf(List.of(manifestOf(entry)));
            assertThat(trusting.isKnown(damaged)).isFalse();
            store.reset();
            chunks.putFile("a", data, trusting);
            assertThat(store.exists.get()).isZero();
            assertThat(store.writes.get()).isEqualTo(1);
            // once written by the session, it is trusted like any other
            assertThat(trusting.isKnown(damaged)).isTrue();
        }
    }

    @Test
    void chunksOfASessionInTheBackgroundUploadAtALowerPriority()
            throws IOException
    {
        OptionalInt base = Threads.currentThreadNiceness();
        assumeTrue(base.isPresent(), "thread niceness is Linux's");
        byte[] data = FileManifests.randomBytes(8 * CHUNK, 3);

        List<OptionalInt> lowered = writersNiceness(data, new UploadSession(true));
        List<OptionalInt> kept = writersNiceness(data, new UploadSession(false));

        assertThat(lowered).hasSize(8).containsOnly(OptionalInt.of(Math.min(19, base.getAsInt() + Threads.BACKGROUND_NICENESS_INCREMENT)));
        assertThat(kept).hasSize(8).containsOnly(base);
    }

    /**
     * The niceness of the thread that wrote each chunk, on a fresh chunk store's transfer threads.
     */
    private static List<OptionalInt> writersNiceness(byte[] data, UploadSession session)
            throws IOException
    {
        List<OptionalInt> niceness = new CopyOnWriteArrayList<>();
        CheckpointStore observed = new ForwardingCheckpointStore(new MemoryCheckpointStore())
        {
            @Override
            public void write(String key, InputStream in, long length)
                    throws IOException
            {
                niceness.add(Threads.currentThreadNiceness());
                super.write(key, in, length);
            }
        };
        try (ChunkStore chunks = new ChunkStore(observed, CHUNK, 2)) {
            chunks.putFile("a", data, session);
        }
        return niceness;
    }

    private static Manifest manifestOf(Manifest.FileEntry file)
    {
        return FileManifests.of("run", CHUNK, file);
    }

    /**
     * Counts the requests a repository makes for chunks.
     */
    private static final class CountingStore
            extends ForwardingCheckpointStore
    {
        final AtomicInteger exists = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();

        CountingStore(CheckpointStore delegate)
        {
            super(delegate);
        }

        void reset()
        {
            exists.set(0);
            writes.set(0);
        }

        @Override
        public void write(String key, InputStream data, long length)
                throws IOException
        {
            if (key.startsWith(RepositoryLayout.CHUNKS)) {
                writes.incrementAndGet();
            }
            super.write(key, data, length);
        }

        @Override
        public boolean exists(String key)
                throws IOException
        {
            if (key.startsWith(RepositoryLayout.CHUNKS)) {
                exists.incrementAndGet();
            }
            return super.exists(key);
        }
    }
}
