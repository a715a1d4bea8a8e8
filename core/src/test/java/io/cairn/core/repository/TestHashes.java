package io.cairn.core.repository;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file hash of manifest format version 3, as the architecture document defines it.
 */
class TestHashes
{
    @Test
    void aFilesHashIsTheSha256OfItsChunksBinaryDigestsInOrder()
            throws Exception
    {
        byte[] first = "first chunk".getBytes();
        byte[] second = "second".getBytes();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(MessageDigest.getInstance("SHA-256").digest(first));
        digest.update(MessageDigest.getInstance("SHA-256").digest(second));
        String expected = HexFormat.of().formatHex(digest.digest());

        assertThat(Hashes.chunkListHash(List.of(Hashes.sha256Hex(first), Hashes.sha256Hex(second)))).isEqualTo(expected);
        assertThat(Hashes.chunkListHash(List.of(Hashes.sha256Hex(second), Hashes.sha256Hex(first)))).as("order matters").isNotEqualTo(expected);
        assertThat(Hashes.chunkListHash(List.of())).as("no chunks: the SHA-256 of no bytes")
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Hashes.sha256Hex(new byte[] {9, 1, 2, 3, 9}, 1, 3)).isEqualTo(Hashes.sha256Hex(new byte[] {1, 2, 3}));
    }
}
