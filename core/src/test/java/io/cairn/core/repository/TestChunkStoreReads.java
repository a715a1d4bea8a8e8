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

    private static Manifest manifestOf(Manifest.FileEntry file)
    {
        return FileManifests.of("run", CHUNK, file);
    }

    // seeded by the size, so files of one size share their chunks
    private static byte[] random(int size)
    {
        return FileManifests.randomBytes(size, size);
    }
}
