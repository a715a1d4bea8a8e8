package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.store.ForwardingCheckpointStore;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunks stream, verified, straight to their place in the caller's memory; a failed read leaves no
 * transfer thread writing there.
 */
class TestChunkReader
{
    private static final int CHUNK = RepositoryDescriptor.MIN_CHUNK_SIZE;
    private static final String DATA = "variables/variables.data-00000-of-00001";

    private final MemoryCheckpointStore store = new MemoryCheckpointStore();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    private final AtomicInteger delayedReads = new AtomicInteger();
    private ChunkStore chunks;

    @BeforeEach
    void createChunkStore()
    {
        chunks = new ChunkStore(new ForwardingCheckpointStore(store)
        {
            @Override
            public InputStream read(String key)
                    throws IOException
            {
                Long delay = delays.get(key);
                if (delay != null) {
                    delayedReads.incrementAndGet();
                    sleep(delay);
                }
                return super.read(key);
            }
        }, CHUNK, 3);
    }

    @AfterEach
    void closeChunkStore()
    {
        chunks.close();
    }

    @Test
    void chosenChunksLandAtTheirPlaceInTheFile()
            throws IOException
    {
        byte[] data = FileManifests.randomBytes(10 * CHUNK + 77, 1);
        Manifest manifest = manifestOf(chunks.putFile(DATA, data, new UploadSession()));
        byte[] target = new byte[data.length];

        ChunkReader.read(chunks, manifest, manifest.files().get(0), new int[] {2, 5, 10}, (offset, bytes, from, length) -> System.arraycopy(bytes, from, target, (int) offset, length));

        for (int chunk = 0; chunk <= 10; chunk++) {
            int start = chunk * CHUNK;
            int end = Math.min(data.length, start + CHUNK);
            byte[] expected = List.of(2, 5, 10).contains(chunk) ? Arrays.copyOfRange(data, start, end) : new byte[end - start];
            assertThat(Arrays.copyOfRange(target, start, end)).as("chunk " + chunk).isEqualTo(expected);
        }
        assertThat(ChunkReader.readAll(chunks, manifest, manifest.files().get(0))).isEqualTo(data);
    }

    @Test
    void aChunkOfAnotherLengthThanRecordedIsNamedAndNothingIsWrittenPastItsRecordedEnd()
            throws IOException
    {
        byte[] data = FileManifests.randomBytes(300, 2);
        Manifest.FileEntry entry = chunks.putFile(DATA, new ByteArrayInputStream(data), List.of(200L, 100L), new UploadSession());
        // the same hashes with lengths that still add up to the file
        Manifest manifest = manifestOf(new Manifest.FileEntry(entry.path(), entry.size(), entry.sha256(), entry.chunks(), List.of(100L, 200L)));
        AtomicBoolean outside = new AtomicBoolean();

        assertThatThrownBy(() -> ChunkReader.read(chunks, manifest, manifest.files().get(0), new int[] {0}, (offset, bytes, from, length) -> outside.compareAndSet(false, offset + length > 100)))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Chunk " + entry.chunks().get(0) + " (chunk 0 of " + DATA + " in run run step 1) has 200 bytes, expected 100");
        assertThat(outside).as("a write past the chunk's recorded end").isFalse();
    }

    @Test
    void aFailedReadReturnsOnlyOnceNoChunkWritesToTheSink()
            throws Exception
    {
        byte[] data = FileManifests.randomBytes(4 * CHUNK, 3);
        Manifest manifest = manifestOf(chunks.putFile(DATA, data, new UploadSession()));
        List<String> hashes = manifest.files().get(0).chunks();
        byte[] damaged = data.clone();
        damaged[CHUNK / 2] ^= 1;
        store.put(RepositoryLayout.chunkKey(hashes.get(0)), Arrays.copyOf(damaged, CHUNK));
        // chunk 1 is still being fetched when chunk 0 fails
        delays.put(RepositoryLayout.chunkKey(hashes.get(0)), 100L);
        delays.put(RepositoryLayout.chunkKey(hashes.get(1)), 400L);
        AtomicBoolean returned = new AtomicBoolean();
        AtomicBoolean writtenAfterReturn = new AtomicBoolean();

        assertThatThrownBy(() -> ChunkReader.read(chunks, manifest, manifest.files().get(0), new int[] {0, 1, 2, 3}, (offset, bytes, from, length) -> {
            if (returned.get()) {
                writtenAfterReturn.set(true);
            }
        }))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Chunk " + hashes.get(0) + " (chunk 0 of " + DATA)
                .hasMessageContaining("is damaged");
        returned.set(true);
        sleep(600);

        assertThat(delayedReads).as("chunk 1 was being fetched").hasValue(2);
        assertThat(writtenAfterReturn).isFalse();
    }

    private static Manifest manifestOf(Manifest.FileEntry file)
    {
        return FileManifests.of("run", CHUNK, file);
    }

    private static void sleep(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
