package io.cairn.core.checkpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.core.train.TrainerState;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A committed checkpoint: which files it has, made of which chunks, and what state it captures. A
 * checkpoint exists exactly when its manifest does. Read with {@link ManifestCodec}, which validates
 * every field that names a place in the store. {@code createdAt} is ISO-8601.
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
        TrainerState trainerState)
{
    public static final int FORMAT_VERSION = 1;

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
     * @param description human description of the model
     * @param signature SHA-256 over every variable's name, type, shape and role: two models with the same
     * signature can exchange checkpoints
     */
    public record ModelInfo(String description, String signature) {}

    /**
     * @param path relative {@code /}-separated path inside the checkpoint
     * @param sha256 hash of the whole file
     * @param chunks hashes of the file's fixed-size chunks, in order
     */
    public record FileEntry(String path, long size, String sha256, List<String> chunks) {}

    public record VariableEntry(String name, String dtype, long[] shape, String role) {}
}
