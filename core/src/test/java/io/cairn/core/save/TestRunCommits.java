package io.cairn.core.save;

import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.repository.FileManifests;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A retried save finds its checkpoint committed: the same content, whichever way its manifest hashes files.
 */
class TestRunCommits
{
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @Test
    void checkpointsOfOneFormatCompareByFileHash()
    {
        assertThat(RunCommits.sameContent(manifest(3, file(A, B)), manifest(3, file(A, B)))).isTrue();
        assertThat(RunCommits.sameContent(manifest(3, file(A, B)), manifest(3, file(C, B)))).isFalse();
        assertThat(RunCommits.sameContent(manifest(2, file(A, B)), manifest(2, file(A, C)))).as("version 2 hashes the bytes, whatever the chunks").isTrue();
    }

    @Test
    void checkpointsOfFormatsThatHashFilesDifferentlyCompareByChunks()
    {
        assertThat(RunCommits.sameContent(manifest(2, file(A, B)), manifest(3, file(C, B)))).isTrue();
        assertThat(RunCommits.sameContent(manifest(2, file(A, B)), manifest(3, file(A, C)))).isFalse();
    }

    private static Manifest.FileEntry file(String sha256, String chunk)
    {
        return new Manifest.FileEntry("variables/variables.index", 10, sha256, List.of(chunk), List.of(10L));
    }

    private static Manifest manifest(int formatVersion, Manifest.FileEntry file)
    {
        Manifest manifest = FileManifests.of("run", 4096, file);
        return new Manifest(formatVersion, manifest.run(), manifest.step(), manifest.epoch(), manifest.kind(), manifest.createdAt(), manifest.metrics(), manifest.model(),
                manifest.chunkSize(), manifest.files(), manifest.variables(), manifest.trainerState(), manifest.initFrom());
    }
}
