package io.cairn.core.repository;

import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.store.MemoryCheckpointStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads fetch chunks ahead in parallel; these check that order, verification and failures survive it.
 */
class TestChunkStoreReads
{
    private static final int CHUNK = RepositoryDescriptor.MIN_CHUNK_SIZE;

    private MemoryCheckpointStore store;
    private ChunkStore chunks;
    private final UploadSession session = new UploadSession();

    @BeforeEach
    void createChunkStore()
    {
        store = new MemoryCheckpointStore();
        chunks = new ChunkStore(store, CHUNK, 3);
    }

    @AfterEach
    void closeChunkStore()
    {
        chunks.close();
    }

    @Test
    void manyChunksReadBackInOrder()
            throws IOException
    {
        // 40 chunks and a partial one: many times the read-ahead window of 6
        byte[] data = random(40 * CHUNK + 123);
        Manifest manifest = manifestOf(chunks.putFile("variables/variables.data-00000-of-00001", data, session));

        assertThat(read(manifest)).isEqualTo(data);
        assertThat(chunks.verify(manifest)).isEmpty();
    }

    @Test
    void aFileCutAtRegionsReadsBackWithEachChunksRecordedLength()
            throws IOException
    {
        // a small region, one of exactly a chunk, one of two chunks and a bit, a one-byte tail
        List<Long> regions = List.of(10L, (long) CHUNK, 2L * CHUNK + 7, 1L);
        byte[] data = random((int) regions.stream().mapToLong(Long::longValue).sum());
        Manifest.FileEntry entry = chunks.putFile("variables/variables.data-00000-of-00001", new ByteArrayInputStream(data), regions, session);
        Manifest manifest = manifestOf(entry);

        assertThat(entry.chunkSizes()).containsExactly(10L, (long) CHUNK, (long) CHUNK, (long) CHUNK, 7L, 1L);
        assertThat(entry.chunks()).hasSize(6);
        assertThat(read(manifest)).isEqualTo(data);
        assertThat(chunks.verify(manifest)).isEmpty();
    }

    @Test
    void anUnchangedRegionIsTheSameChunkWhereverItMoves()
            throws IOException
    {
        byte[] tensor = random(100);
        byte[] before = concat(random(7), tensor);
        byte[] after = concat(random(3000), tensor);

        Manifest.FileEntry first = chunks.putFile("a", new ByteArrayInputStream(before), List.of(7L, 100L), session);
        Manifest.FileEntry second = chunks.putFile("a", new ByteArrayInputStream(after), List.of(3000L, 100L), session);

        assertThat(second.chunks().get(1)).isEqualTo(first.chunks().get(1));
        assertThat(second.chunks().get(0)).isNotEqualTo(first.chunks().get(0));
    }

    @Test
    void aFileThatDoesNotMatchItsRegionsIsRefused()
    {
        byte[] data = random(100);

        assertThatThrownBy(() -> chunks.putFile("short", new ByteArrayInputStream(data), List.of(60L, 41L), session))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("File short ends after 100 bytes, before the end of its regions");
        assertThatThrownBy(() -> chunks.putFile("long", new ByteArrayInputStream(data), List.of(60L, 39L), session))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("File long is longer than its regions (99 bytes)");
        assertThatThrownBy(() -> chunks.putFile("empty region", new ByteArrayInputStream(data), List.of(100L, 0L), session))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Region of 0 bytes in empty region");
    }

    @Test
    void aChunkOfAnotherLengthThanRecordedIsNamed()
            throws IOException
    {
        byte[] data = random(300);
        Manifest.FileEntry entry = chunks.putFile("variables/variables.data-00000-of-00001", new ByteArrayInputStream(data), List.of(100L, 200L), session);
        // the same hashes with lengths that still add up to the file
        Manifest manifest = manifestOf(new Manifest.FileEntry(entry.path(), entry.size(), entry.sha256(), entry.chunks(), List.of(200L, 100L)));

        assertThatThrownBy(() -> read(manifest))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("chunk 0 of variables/variables.data-00000-of-00001")
                .hasMessageContaining("has 100 bytes, expected 200");
    }

    @Test
    void aDamagedChunkFarIntoTheFileIsNamed()
            throws IOException
    {
        byte[] data = random(30 * CHUNK);
        Manifest manifest = manifestOf(chunks.putFile("variables/variables.data-00000-of-00001", data, session));
        String damaged = manifest.files().get(0).chunks().get(17);
        byte[] bad = random(CHUNK);
        store.write(RepositoryLayout.chunkKey(damaged), new ByteArrayInputStream(bad), bad.length);

        assertThatThrownBy(() -> read(manifest))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Chunk " + damaged + " (chunk 17 of variables/variables.data-00000-of-00001")
                .hasMessageContaining("is damaged");
        assertThat(chunks.verify(manifest)).singleElement().asString().contains(damaged);
    }

    @Test
    void aMissingChunkIsNamed()
            throws IOException
    {
        byte[] data = random(10 * CHUNK);
        Manifest manifest = manifestOf(chunks.putFile("saved_model.pb", data, session));
        String missing = manifest.files().get(0).chunks().get(9);
        store.delete(List.of(RepositoryLayout.chunkKey(missing)));

        assertThatThrownBy(() -> read(manifest))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("Chunk " + missing + " (chunk 9 of saved_model.pb")
                .hasMessageContaining("is missing");
    }

    @Test
    void aChunkListThatDisagreesWithTheFileHashIsCaught()
            throws IOException
    {
        Manifest.FileEntry first = chunks.putFile("a", random(3 * CHUNK), session);
        Manifest.FileEntry second = chunks.putFile("b", random(3 * CHUNK + 1), session);
        assertThat(second.chunks()).doesNotContainAnyElementsOf(first.chunks());
        // the chunks of one file under the other's size and hash: every chunk is intact, the file is not
        Manifest manifest = manifestOf(new Manifest.FileEntry("a", first.size(), first.sha256(), second.chunks().subList(0, 3)));

        assertThatThrownBy(() -> read(manifest))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining("File a in")
                .hasMessageContaining("expected " + first.sha256());
    }

    @Test
    void aFileHashIsDerivedFromTheChunkHashes()
            throws IOException
    {
        Manifest.FileEntry entry = chunks.putFile("a", random(3 * CHUNK + 5), session);

        assertThat(entry.sha256()).isEqualTo(Hashes.chunkListHash(entry.chunks()));
        assertThat(chunks.verify(manifestOf(entry))).isEmpty();
    }

    @Test
    void aFormatVersion2ManifestChecksTheHashOfTheFilesBytes()
            throws IOException
    {
        byte[] data = random(3 * CHUNK + 5);
        Manifest.FileEntry entry = chunks.putFile("a", data, session);
        Manifest.FileEntry hashedBytes = new Manifest.FileEntry("a", entry.size(), Hashes.sha256Hex(data), entry.chunks(), entry.chunkSizes());

        assertThat(chunks.verify(asFormatVersion2(manifestOf(hashedBytes)))).isEmpty();
        assertThat(read(asFormatVersion2(manifestOf(hashedBytes)))).isEqualTo(data);
        assertThat(chunks.verify(asFormatVersion2(manifestOf(entry)))).as("a version 2 file hash is over the bytes, not the chunk hashes")
                .singleElement().asString().contains("hashes to " + Hashes.sha256Hex(data) + ", expected " + entry.sha256());
        assertThat(chunks.verify(manifestOf(hashedBytes))).as("a version 3 file hash is over the chunk hashes")
                .singleElement().asString().contains("lists chunks that hash to " + entry.sha256());
    }

    @Test
    void aClosedChunkStoreFailsReadsAndWritesInsteadOfHanging()
            throws IOException
    {
        byte[] data = random(10 * CHUNK);
        Manifest manifest = manifestOf(chunks.putFile("saved_model.pb", data, session));
        chunks.close();

        assertThatThrownBy(() -> read(manifest))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("was closed while reading saved_model.pb");
        assertThatThrownBy(() -> chunks.putFile("other", random(3 * CHUNK + 5), session))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("was closed while uploading other");
    }

    private byte[] read(Manifest manifest)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.readFile(manifest, manifest.files().get(0), out);
        return out.toByteArray();
    }

    private static Manifest asFormatVersion2(Manifest manifest)
    {
        return new Manifest(2, manifest.run(), manifest.step(), manifest.epoch(), manifest.kind(), manifest.createdAt(), manifest.metrics(), manifest.model(),
                manifest.chunkSize(), manifest.files(), manifest.variables(), manifest.trainerState(), manifest.initFrom());
    }

    private static Manifest manifestOf(Manifest.FileEntry file)
    {
        return FileManifests.of("run", CHUNK, file);
    }

    private static byte[] concat(byte[] first, byte[] second)
    {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    // seeded by the size, so files of one size share their chunks
    private static byte[] random(int size)
    {
        return FileManifests.randomBytes(size, size);
    }
}
