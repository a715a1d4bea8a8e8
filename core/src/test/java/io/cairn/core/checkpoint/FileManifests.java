package io.cairn.core.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * For tests of the repository's file reads and writes, which need a manifest only to name the files.
 */
final class FileManifests
{
    private FileManifests() {}

    /**
     * A {@code WEIGHTS} checkpoint of run {@code run} at step 1 holding just {@code file}.
     */
    static Manifest of(String run, int chunkSize, Manifest.FileEntry file)
    {
        return new Manifest(Manifest.FORMAT_VERSION, run, 1, 0, SaveKind.WEIGHTS, "2026-01-01T00:00:00Z", Map.of(),
                new Manifest.ModelInfo(run, "0".repeat(64)), chunkSize, List.of(file), List.of(), null);
    }

    /**
     * Seeded random bytes: the same seed gives the same bytes, and so the same chunks.
     */
    static byte[] randomBytes(int size, long seed)
    {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
