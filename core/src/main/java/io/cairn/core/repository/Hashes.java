package io.cairn.core.repository;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256, the hash that names chunks and checks files, as lower-case hex.
 *
 * <p>A file's hash in a manifest is, since format version 3, derived from its chunks'
 * ({@link #chunkListHash}); before, it was the SHA-256 of the file's bytes.
 */
public final class Hashes
{
    private static final int HASH_SLICE = 64 << 10;

    private Hashes() {}

    public static MessageDigest sha256()
    {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    public static String sha256Hex(byte[] data)
    {
        return hex(sha256().digest(data));
    }

    /**
     * Hashes in slices: the JVM's SHA-256 intrinsic has no safepoint poll inside, so a background
     * thread descheduled mid-way through a whole chunk would hold up every thread's next safepoint.
     */
    public static String sha256Hex(byte[] data, int offset, int length)
    {
        MessageDigest digest = sha256();
        for (int done = 0; done < length; ) {
            int slice = Math.min(HASH_SLICE, length - done);
            digest.update(data, offset + done, slice);
            done += slice;
        }
        return hex(digest.digest());
    }

    /**
     * A file's hash from its chunks' hashes: SHA-256 over the 32-byte binary digests of its chunks, in
     * file order, with nothing between them (for a file of no chunks, the SHA-256 of no bytes). The
     * chunk hashes name their bytes, so this names the file's bytes as cut into these chunks, and costs
     * 32 bytes of hashing per chunk instead of a second pass over the file.
     *
     * @param chunks lower-case hex SHA-256 of each chunk, in order
     */
    public static String chunkListHash(List<String> chunks)
    {
        MessageDigest digest = sha256();
        HexFormat hex = HexFormat.of();
        for (String chunk : chunks) {
            digest.update(hex.parseHex(chunk));
        }
        return hex(digest.digest());
    }

    public static String hex(byte[] digest)
    {
        return HexFormat.of().formatHex(digest);
    }
}
