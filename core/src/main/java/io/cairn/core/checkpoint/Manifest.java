package io.cairn.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.core.train.TrainerState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A committed checkpoint: which files it has, made of which chunks, and what state it captures. A
 * checkpoint exists exactly when its manifest does. Reading one validates every field that names a
 * place in the store. {@code createdAt} is ISO-8601.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int formatVersion,
        String run,
        long step,
        int epoch,
        SaveKind kind,
        String createdAt,
        Map<String, Double> metrics,
        ModelInfo model,
        int chunkSize,
        List<FileEntry> files,
        List<VariableEntry> variables,
        TrainerState trainerState,
        InitFrom initFrom)
{
    /**
     * Version 3 derives a file's {@link FileEntry#sha256()} from its chunk hashes (see
     * {@link #hashesChunkLists()}). Version 2 records every chunk's length ({@link FileEntry#chunkSizes()}):
     * the variables' data file is cut at tensor boundaries. Version 1 cut every file into chunks of
     * {@link #chunkSize()} bytes, the last one shorter. Versions 1 and 2 hash a file's bytes, and are still
     * read.
     */
    public static final int FORMAT_VERSION = 3;
    public static final int FIXED_CHUNKS_FORMAT_VERSION = 1;
    public static final int CHUNK_LIST_HASH_FORMAT_VERSION = 3;

    /**
     * A checkpoint of a run that did not start from another run's weights.
     */
    public Manifest(int formatVersion, String run, long step, int epoch, SaveKind kind, String createdAt, Map<String, Double> metrics, ModelInfo model,
            int chunkSize, List<FileEntry> files, List<VariableEntry> variables, TrainerState trainerState)
    {
        this(formatVersion, run, step, epoch, kind, createdAt, metrics, model, chunkSize, files, variables, trainerState, null);
    }

    /**
     * The checkpoint the run's first weights came from, if the run was started from another one
     * (fine-tuning): its lineage.
     */
    public Optional<InitFrom> initFromIfPresent()
    {
        return Optional.ofNullable(initFrom);
    }

    /**
     * Whether each file's {@code sha256} is the SHA-256 over its chunks' binary SHA-256 digests in order
     * (format version 3 and later), not over the file's bytes (versions 1 and 2).
     */
    public boolean hashesChunkLists()
    {
        return formatVersion >= CHUNK_LIST_HASH_FORMAT_VERSION;
    }

    public long bytes()
    {
        return files.stream().mapToLong(FileEntry::size).sum();
    }

    public Optional<TrainerState> trainerStateIfPresent()
    {
        return Optional.ofNullable(trainerState);
    }

    public Optional<FileEntry> file(String path)
    {
        return files.stream().filter(file -> file.path().equals(path)).findFirst();
    }

    /**
     * The length of each of a file's chunks, in order: as recorded, or for a file without recorded
     * lengths (format version 1), chunks of {@link #chunkSize()} bytes with a shorter last one.
     */
    public List<Long> chunkLengths(FileEntry file)
    {
        if (file.chunkSizes() != null) {
            return file.chunkSizes();
        }
        List<Long> lengths = new ArrayList<>(file.chunks().size());
        long remaining = file.size();
        for (int i = 0; i < file.chunks().size(); i++) {
            long length = Math.min(remaining, chunkSize);
            lengths.add(length);
            remaining -= length;
        }
        return Collections.unmodifiableList(lengths);
    }

    /**
     * @param description human description of the model
     * @param signature SHA-256 over every variable's name, type, shape and role: two models with the same
     * signature can exchange checkpoints
     */
    public record ModelInfo(String description, String signature) {}

    /**
     * The parent of a run: the checkpoint whose weights it started from.
     */
    public record InitFrom(String run, long step)
    {
        public static InitFrom of(Manifest parent)
        {
            return new InitFrom(parent.run(), parent.step());
        }

        @Override
        public String toString()
        {
            return run + "@" + step;
        }
    }

    /**
     * @param path relative {@code /}-separated path inside the checkpoint
     * @param sha256 hash of the whole file: since format version 3 the SHA-256 over its chunks' binary
     * SHA-256 digests in order, before it the SHA-256 of its bytes (see {@link Manifest#hashesChunkLists()})
     * @param chunks hashes of the file's chunks, in order
     * @param chunkSizes the length of each chunk, in order; absent in format version 1, whose chunks
     * are all {@link Manifest#chunkSize()} bytes but the last (see {@link Manifest#chunkLengths})
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileEntry(String path, long size, String sha256, List<String> chunks, List<Long> chunkSizes)
    {
        /**
         * A file of fixed-size chunks, as format version 1 wrote them.
         */
        public FileEntry(String path, long size, String sha256, List<String> chunks)
        {
            this(path, size, sha256, chunks, null);
        }
    }

    /**
     * @param dtype the tensor type, one of {@link #DTYPES}
     * @param shape the static shape
     * @param role {@code weight} or {@code optimizer}
     */
    public record VariableEntry(String name, String dtype, List<Long> shape, String role)
    {
        /**
         * The tensor types a checkpoint may hold, by the names manifests use.
         */
        public static final Set<String> DTYPES = Collections.unmodifiableSet(new TreeSet<>(Set.of("BFLOAT16", "BOOL", "DOUBLE", "FLOAT", "HALF", "INT32", "INT64", "UINT8")));

        public VariableEntry
        {
            shape = shape == null ? null : Collections.unmodifiableList(new ArrayList<>(shape));
        }

        public static List<Long> shapeOf(long[] dimensions)
        {
            return Arrays.stream(dimensions).boxed().toList();
        }
    }
}
