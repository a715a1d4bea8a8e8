package io.cairn.core.checkpoint;

import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.CheckpointFiles;
import io.cairn.core.repository.ChunkStore;
import io.cairn.core.repository.DescriptorFile;
import io.cairn.core.repository.FileManifests;
import io.cairn.core.repository.UploadSession;
import io.cairn.core.store.CheckpointStore;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Cairn half of the store throughput benchmarks (S3, HDFS): one file through a repository on a
 * store, written as checkpoints are (chunked, hashed, missing chunks in parallel) and read back as
 * restores are (every hash verified). {@code -Dcairn.bench.chunkSize} and
 * {@code -Dcairn.bench.uploadThreads} override the defaults.
 */
public final class ThroughputProbe
{
    private ThroughputProbe() {}

    /**
     * @param writeSeconds a run's first save of the file: every chunk looked up, then written
     * @param laterWriteSeconds a later save in which every chunk changed: written without lookups
     * @param readSeconds a restore: every chunk read and verified
     */
    public record Timing(double writeSeconds, double laterWriteSeconds, double readSeconds) {}

    /**
     * Writes and reads {@code file} through a new repository on {@code store}, which it closes.
     */
    public static Timing throughCairn(CheckpointStore store, Path file)
            throws IOException
    {
        int chunkSize = Integer.getInteger("cairn.bench.chunkSize", RepositoryDescriptor.DEFAULT_CHUNK_SIZE);
        try (store; ChunkStore chunks = new ChunkStore(store, chunkSize, Integer.getInteger("cairn.bench.uploadThreads", 4))) {
            DescriptorFile.createIfAbsent(store, chunkSize);
            UploadSession session = new UploadSession();
            long started = System.nanoTime();
            Manifest.FileEntry entry = chunks.putFile(CheckpointFiles.VARIABLES_PREFIX + ".data-00000-of-00001", file, session);
            double write = seconds(started);
            Manifest manifest = FileManifests.of("bench", chunkSize, entry);
            started = System.nanoTime();
            chunks.readFile(manifest, entry, OutputStream.nullOutputStream());
            double read = seconds(started);
            // as after a save's retention: no chunk is known live, so every chunk is written without a lookup
            session.trustChunksOf(List.of());
            started = System.nanoTime();
            chunks.putFile(CheckpointFiles.VARIABLES_PREFIX + ".data-00000-of-00001", file, session);
            return new Timing(write, seconds(started), read);
        }
    }

    /**
     * A file of {@code megabytes} MiB of seeded random bytes (incompressible, never deduplicated).
     */
    public static void writeRandom(Path file, int megabytes)
            throws IOException
    {
        SplittableRandom random = new SplittableRandom(1);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < megabytes; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    long value = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        block[j + k] = (byte) (value >>> (8 * k));
                    }
                }
                out.write(block);
            }
        }
    }

    public static double seconds(long started)
    {
        return (System.nanoTime() - started) / 1e9;
    }
}
