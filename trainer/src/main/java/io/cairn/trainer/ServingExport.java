package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.store.CheckpointStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code FULL} checkpoint written as {@code BASE/<version>/}, the layout TF Serving polls: a
 * numbered SavedModel directory per version, the next integer after the highest one there (1 if none).
 * A poller never sees half a version: on a local directory the SavedModel is written into a hidden
 * {@code BASE/.tmp-<uuid>} (TF Serving ignores names that are not numbers) and renamed into place; a
 * store has no rename, so its files go straight under {@code BASE/<version>/} with
 * {@code saved_model.pb} last, the file TF Serving waits for.
 */
final class ServingExport
{
    private static final Pattern VERSION = Pattern.compile("[0-9]{1,18}");
    static final String TEMP_PREFIX = ".tmp-";

    private ServingExport() {}

    /**
     * Into a local directory, created if missing.
     *
     * @return the version written
     */
    static long toDirectory(CheckpointRepository repository, Manifest manifest, Path base, OptionalLong requested)
            throws IOException
    {
        checkFull(manifest);
        Files.createDirectories(base);
        List<Long> existing;
        try (Stream<Path> entries = Files.list(base)) {
            existing = entries.filter(Files::isDirectory).map(path -> path.getFileName().toString()).filter(name -> VERSION.matcher(name).matches()).map(Long::parseLong).toList();
        }
        long version = version(existing, requested, base.toString());
        Path target = base.resolve(Long.toString(version));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException(target + " exists and is not a version directory; pick another --version");
        }
        Path temp = base.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            repository.exportSavedModel(manifest, temp);
            // one rename(2): the version appears whole or not at all
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            FileTrees.deleteQuietly(temp);
        }
        return version;
    }

    /**
     * Into a store (S3, HDFS...), under its root.
     *
     * @return the version written
     */
    static long toStore(CheckpointRepository repository, Manifest manifest, CheckpointStore base, OptionalLong requested)
            throws IOException
    {
        checkFull(manifest);
        List<Long> existing = base.list("").stream()
                .filter(key -> key.indexOf('/') > 0)
                .map(key -> key.substring(0, key.indexOf('/')))
                .filter(name -> VERSION.matcher(name).matches())
                .map(Long::parseLong)
                .distinct()
                .toList();
        long version = version(existing, requested, base.location().toString());
        repository.exportSavedModel(manifest, base, version + "/");
        return version;
    }

    private static long version(List<Long> existing, OptionalLong requested, String base)
    {
        long next = existing.stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        if (requested.isEmpty()) {
            return next;
        }
        long version = requested.getAsLong();
        if (existing.contains(version)) {
            throw new UsageException("Version " + version + " already exists in " + base + "; pick another --version, or leave it out for the next one (" + next + ")");
        }
        return version;
    }

    private static void checkFull(Manifest manifest)
    {
        if (manifest.kind() != SaveKind.FULL) {
            throw new UsageException("Checkpoint of run " + manifest.run() + " at step " + manifest.step() + " is " + manifest.kind()
                    + ", not a SavedModel: --serving-base needs a FULL checkpoint (train with --mode full, or pick one with --step)");
        }
    }
}
