package io.cairn.core.checkpoint;

/**
 * {@code cairn-repository.json}: how the repository's chunks are cut and named.
 */
public record RepositoryDescriptor(int formatVersion, int chunkSize, String hashAlgorithm)
{
    public static final int FORMAT_VERSION = 1;
    public static final String SHA_256 = "SHA-256";
    public static final int DEFAULT_CHUNK_SIZE = 4 << 20;
    public static final int MIN_CHUNK_SIZE = 4 << 10;
    public static final int MAX_CHUNK_SIZE = 256 << 20;

    public static void checkChunkSize(int chunkSize)
    {
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("Chunk size must be from " + MIN_CHUNK_SIZE + " to " + MAX_CHUNK_SIZE + " bytes, got " + chunkSize);
        }
    }
}
