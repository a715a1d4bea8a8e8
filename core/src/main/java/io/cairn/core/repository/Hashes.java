package io.cairn.core.repository;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the hash that names chunks and checks files, as lower-case hex.
 */
public final class Hashes
{
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

    public static String hex(byte[] digest)
    {
        return HexFormat.of().formatHex(digest);
    }
}
