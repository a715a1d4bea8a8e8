package io.cairn.core.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Writes a checkpoint out as plain files, verified while read: a SavedModel directory ({@code FULL})
 * or TF checkpoint files, which TensorFlow's own loaders read.
 */
public final class CheckpointExporter
{
    private static final Pattern SERVING_VERSION = Pattern.compile("[0-9]{1,18}");
    public static final String SERVING_TEMP_PREFIX = ".tmp-";

    private final ChunkStore chunks;

    public CheckpointExporter(ChunkStore chunks)
    {
        this.chunks = requireNonNull(chunks, "chunks is null");
    }

    /**
     * Writes every file of the checkpoint under a local directory; adds {@code trainer-state.json} when
     * the checkpoint has trainer state.
     */
    public void materialize(Manifest manifest, Path directory)
            throws IOException
    {
        writeFiles(manifest, directory);
        if (manifest.trainerState() != null) {
            Files.write(directory.resolve(CheckpointFiles.TRAINER_STATE), trainerStateJson(manifest.trainerState()));
        }
    }

    private void writeFiles(Manifest manifest, Path directory)
            throws IOException
    {
        for (Manifest.FileEntry file : manifest.files()) {
            Path target = CheckpointFiles.resolveInside(directory, file.path());
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
                chunks.readFile(manifest, file, out);
            }
        }
    }

    /**
     * Writes a {@code FULL} checkpoint as exactly a SavedModel directory ({@code saved_model.pb} and
     * {@code variables/}), which TensorFlow's loaders and TF Serving read. The trainer state is not
     * part of a SavedModel; it stays in the manifest.
     *
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}
     */
    public void exportSavedModel(Manifest manifest, Path directory)
            throws IOException
    {
        checkFull(manifest);
        writeFiles(manifest, directory);
    }

    /**
     * Copies a checkpoint as plain files into another store, under a prefix ("" for its root). On a
     * failure the keys written so far are deleted.
     *
     * @return the keys written
     */
    public List<String> export(Manifest manifest, CheckpointStore target, String prefix)
            throws IOException
    {
        return writeToStore(directory -> materialize(manifest, directory), Comparator.naturalOrder(), target, prefix);
    }

    /**
     * Copies a {@code FULL} checkpoint as exactly a SavedModel into another store, under a prefix,
     * {@code saved_model.pb} last: a store has no rename, and TF Serving loads a version only once its
     * {@code saved_model.pb} is there. On a failure the keys written so far are deleted.
     *
     * @return the keys written, {@code saved_model.pb} last
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}
     */
    public List<String> exportSavedModel(Manifest manifest, CheckpointStore target, String prefix)
            throws IOException
    {
        Comparator<String> savedModelPbLast = Comparator.comparing((String path) -> path.equals(CheckpointFiles.SAVED_MODEL_PB)).thenComparing(Comparator.naturalOrder());
        return writeToStore(directory -> exportSavedModel(manifest, directory), savedModelPbLast, target, prefix);
    }

    /**
     * Writes a {@code FULL} checkpoint as {@code base/<version>/}, the layout TF Serving polls: the
     * next integer after the highest version there (1 if none), or {@code version} when given. A
     * poller never sees half a version: the SavedModel is written into a hidden
     * {@code base/.tmp-<uuid>} (TF Serving ignores names that are not numbers) and renamed into place.
     *
     * @return the version written
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}, or the version exists
     */
    public long exportServingVersion(Manifest manifest, Path base, OptionalLong version)
            throws IOException
    {
        checkFull(manifest);
        Files.createDirectories(base);
        List<Long> existing;
        try (Stream<Path> entries = Files.list(base)) {
            existing = entries.filter(Files::isDirectory).map(path -> path.getFileName().toString()).filter(name -> SERVING_VERSION.matcher(name).matches())
                    .map(Long::parseLong).toList();
        }
        long chosen = servingVersion(existing, version, base.toString());
        Path target = base.resolve(Long.toString(chosen));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(target + " exists and is not a version directory; pick another version");
        }
        Path temp = base.resolve(SERVING_TEMP_PREFIX + UUID.randomUUID());
        try {
            exportSavedModel(manifest, temp);
            // one rename(2): the version appears whole or not at all
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        finally {
            FileTrees.deleteQuietly(temp);
        }
        return chosen;
    }

    /**
     * The same on a store (S3, HDFS...), under its root. A store has no rename, so the files go straight
     * under {@code <version>/} with {@code saved_model.pb} last, the file TF Serving waits for; on a
     * failure what was written is deleted.
     *
     * @return the version written
     * @throws IllegalArgumentException if the checkpoint is not {@code FULL}, or the version exists
     */
    public long exportServingVersion(Manifest manifest, CheckpointStore base, OptionalLong version)
            throws IOException
    {
        checkFull(manifest);
        List<Long> existing = base.list("").stream()
                .filter(key -> key.indexOf('/') > 0)
                .map(key -> key.substring(0, key.indexOf('/')))
                .filter(name -> SERVING_VERSION.matcher(name).matches())
                .map(Long::parseLong)
                .distinct()
                .toList();
        long chosen = servingVersion(existing, version, base.location().toString());
        exportSavedModel(manifest, base, chosen + "/");
        return chosen;
    }

    private static long servingVersion(List<Long> existing, OptionalLong requested, String base)
    {
        long next = existing.stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        if (requested.isEmpty()) {
            return next;
        }
        long version = requested.getAsLong();
        if (version < 1) {
            throw new IllegalArgumentException("A serving version must be at least 1, got " + version);
        }
        if (existing.contains(version)) {
            throw new IllegalArgumentException("Version " + version + " already exists in " + base + "; pick another version, or leave it out for the next one (" + next + ")");
        }
        return version;
    }

    private static void checkFull(Manifest manifest)
    {
        if (manifest.kind() != SaveKind.FULL) {
            throw new IllegalArgumentException("Checkpoint " + ChunkStore.describe(manifest) + " is " + manifest.kind()
                    + ", not a SavedModel: only FULL checkpoints are; materialize it as TF checkpoint files instead");
        }
    }

    private interface LocalWrite
    {
        void writeTo(Path directory)
                throws IOException;
    }

    /**
     * Writes the files into a scratch directory, then into the store in the given order of their
     * relative paths; deletes what it wrote if any write fails.
     */
    private static List<String> writeToStore(LocalWrite local, Comparator<String> order, CheckpointStore target, String prefix)
            throws IOException
    {
        List<String> written = new ArrayList<>();
        Path scratch = Files.createTempDirectory("cairn-export-");
        try {
            local.writeTo(scratch);
            List<String> paths;
            try (var walk = Files.walk(scratch)) {
                paths = walk.filter(Files::isRegularFile).map(file -> scratch.relativize(file).toString().replace('\\', '/')).sorted(order).toList();
            }
            for (String path : paths) {
                Path file = scratch.resolve(path);
                String key = prefix + path;
                written.add(key);
                try (InputStream in = Files.newInputStream(file)) {
                    target.write(key, in, Files.size(file));
                }
            }
            return written;
        }
        catch (IOException | RuntimeException e) {
            try {
                target.delete(written);
            }
            catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        finally {
            FileTrees.deleteQuietly(scratch);
        }
    }

    static byte[] trainerStateJson(TrainerState state)
    {
        try {
            return ManifestCodec.MAPPER.writeValueAsBytes(state);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize the trainer state of step " + state.step(), e);
        }
    }
}
