package io.cairn.core.repository;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Manifests for tests of the repository's parts: for file reads and writes, which need a manifest only
 * to name the files, and small committable ones.
 */
public final class FileManifests
{
    private FileManifests() {}

    /**
     * A {@code WEIGHTS} checkpoint of run {@code run} at step 1 holding just {@code file}.
     */
    public static Manifest of(String run, int chunkSize, Manifest.FileEntry file)
    {
        return new Manifest(Manifest.FORMAT_VERSION, run, 1, 0, SaveKind.WEIGHTS, "2026-01-01T00:00:00Z", Map.of(),
                new Manifest.ModelInfo(run, "0".repeat(64)), chunkSize, List.of(file), List.of(), null);
    }

    /**
     * A committable {@code WEIGHTS} checkpoint of {@code run} at {@code step}: its one variable's
     * index file, made of {@code content}, is put into the chunk store (chunks it already holds cost
     * nothing). Different contents make different chunks.
     */
    public static Manifest committable(ChunkStore chunks, String run, long step, byte[] content)
            throws IOException
    {
        Manifest.FileEntry file = chunks.putFile(CheckpointFiles.VARIABLES_INDEX, content, new UploadSession());
        return new Manifest(Manifest.FORMAT_VERSION, run, step, 0, SaveKind.WEIGHTS, "2026-01-01T00:00:00Z", Map.of("loss", 1.0 / step),
                new Manifest.ModelInfo(run, "0".repeat(64)), chunks.chunkSize(), List.of(file),
                List.of(new Manifest.VariableEntry("kernel", "FLOAT", List.of(2L, 2L), "weight")), null);
    }

    /**
     * Seeded random bytes: the same seed gives the same bytes, and so the same chunks.
     */
    public static byte[] randomBytes(int size, long seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
