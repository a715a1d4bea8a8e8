package io.cairn.core.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.model.VariableRole;
import io.cairn.core.store.StoreKeys;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads and writes manifests as JSON. Reading validates everything that later code trusts: the run
 * and step match the manifest's key, file paths are relative and stay inside the checkpoint, hashes
 * are well-formed, chunk lengths add up to file sizes (chunk counts match them, in format version 1),
 * variable types and roles are known.
 */
public final class ManifestCodec
{
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    private ManifestCodec() {}

    public static byte[] write(Manifest manifest)
    {
        try {
            return MAPPER.writeValueAsBytes(manifest);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize manifest of step " + manifest.step(), e);
        }
    }

    /**
     * Parses and validates the manifest stored under {@code key}.
     *
     * @throws CorruptCheckpointException naming the key and the bad field
     */
    public static Manifest read(byte[] json, String key)
    {
        Manifest manifest;
        try {
            manifest = MAPPER.readValue(json, Manifest.class);
        }
        catch (JsonProcessingException e) {
            throw new CorruptCheckpointException("Manifest " + key + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        catch (IOException e) {
            throw new CorruptCheckpointException("Manifest " + key + " cannot be read: " + e.getMessage(), e);
        }
        try {
            validate(manifest, key);
        }
        catch (IllegalArgumentException | NullPointerException e) {
            throw new CorruptCheckpointException("Manifest " + key + " is invalid: " + e.getMessage(), e);
        }
        return manifest;
    }

    public static void validate(Manifest manifest, String key)
    {
        if (manifest.formatVersion() < Manifest.FIXED_CHUNKS_FORMAT_VERSION || manifest.formatVersion() > Manifest.FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + manifest.formatVersion() + " is not supported (this Cairn reads versions "
                    + Manifest.FIXED_CHUNKS_FORMAT_VERSION + " to " + Manifest.FORMAT_VERSION + "); use a newer Cairn");
        }
        RepositoryLayout.checkRunId(manifest.run());
        String expectedKey = RepositoryLayout.manifestKey(manifest.run(), manifest.step());
        if (!expectedKey.equals(key)) {
            throw new IllegalArgumentException("it describes run " + manifest.run() + " step " + manifest.step() + ", which belongs at " + expectedKey);
        }
        require(manifest.kind() != null, "kind is missing");
        require(manifest.epoch() >= 0, "epoch is negative");
        require(manifest.createdAt() != null, "createdAt is missing");
        try {
            Instant.parse(manifest.createdAt());
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException("createdAt is not an ISO-8601 instant: " + manifest.createdAt());
        }
        require(manifest.metrics() != null, "metrics are missing");
        require(manifest.model() != null && manifest.model().signature() != null, "model signature is missing");
        require(manifest.chunkSize() > 0, "chunkSize must be positive, got " + manifest.chunkSize());
        require(manifest.files() != null && !manifest.files().isEmpty(), "it lists no files");
        Set<String> paths = new HashSet<>();
        for (Manifest.FileEntry file : manifest.files()) {
            StoreKeys.checkPath(file.path(), "File path");
            require(paths.add(file.path()), "file " + file.path() + " is listed twice");
            require(file.size() >= 0, "file " + file.path() + " has a negative size");
            RepositoryLayout.checkHash(file.sha256(), "SHA-256 of file " + file.path());
            require(file.chunks() != null, "file " + file.path() + " has no chunk list");
            if (manifest.formatVersion() == Manifest.FIXED_CHUNKS_FORMAT_VERSION) {
                require(file.chunkSizes() == null, "file " + file.path() + " lists chunkSizes, which format version " + manifest.formatVersion() + " does not have");
                long expectedChunks = (file.size() + manifest.chunkSize() - 1) / manifest.chunkSize();
                require(file.chunks().size() == expectedChunks,
                        "file " + file.path() + " of " + file.size() + " bytes needs " + expectedChunks + " chunks of " + manifest.chunkSize() + " bytes, lists " + file.chunks().size());
            }
            else {
                checkChunkSizes(file, manifest.chunkSize());
            }
            for (String chunk : file.chunks()) {
                RepositoryLayout.checkHash(chunk, "Chunk of file " + file.path());
            }
        }
        require(manifest.variables() != null && !manifest.variables().isEmpty(), "it lists no variables");
        Set<String> names = new HashSet<>();
        for (Manifest.VariableEntry variable : manifest.variables()) {
            require(variable.name() != null && !variable.name().isEmpty(), "a variable has no name");
            require(names.add(variable.name()), "variable " + variable.name() + " is listed twice");
            require(variable.dtype() != null, "variable " + variable.name() + " has no dtype");
            require(variable.role() != null, "variable " + variable.name() + " has no role");
            require(Manifest.VariableEntry.DTYPES.contains(variable.dtype()), "Unknown tensor type '" + variable.dtype() + "' of variable " + variable.name()
                    + ": " + variable.dtype() + " is not supported in checkpoints; supported: " + Manifest.VariableEntry.DTYPES);
            VariableRole.fromJsonName(variable.role());
            require(variable.shape() != null, "variable " + variable.name() + " has no shape");
            for (Long dimension : variable.shape()) {
                require(dimension != null && dimension >= 0, "variable " + variable.name() + " has a negative dimension");
            }
        }
        if (manifest.kind().resumable()) {
            require(manifest.trainerState() != null, manifest.kind() + " checkpoint has no trainer state");
        }
        if (manifest.trainerState() != null) {
            require(manifest.trainerState().step() == manifest.step(),
                    "its trainer state is at step " + manifest.trainerState().step() + ", the checkpoint at step " + manifest.step());
            require(manifest.trainerState().batchSize() >= 0 && manifest.trainerState().datasetSize() >= 0, "its trainer state has a negative batch or dataset size");
        }
        if (manifest.initFrom() != null) {
            RepositoryLayout.checkRunId(manifest.initFrom().run());
            require(manifest.initFrom().step() >= 0, "its parent's step is negative");
        }
        if (manifest.kind() == SaveKind.FULL) {
            require(paths.contains(CheckpointFiles.SAVED_MODEL_PB), "FULL checkpoint has no " + CheckpointFiles.SAVED_MODEL_PB);
        }
        require(paths.contains(CheckpointFiles.VARIABLES_INDEX), "it has no " + CheckpointFiles.VARIABLES_INDEX);
    }

    /**
     * Chunks of any length from one byte to the chunk size (a tensor, or a piece of a larger one), which
     * together are the whole file.
     */
    private static void checkChunkSizes(Manifest.FileEntry file, int chunkSize)
    {
        require(file.chunkSizes() != null, "file " + file.path() + " has no chunkSizes");
        require(file.chunkSizes().size() == file.chunks().size(),
                "file " + file.path() + " lists " + file.chunks().size() + " chunks and " + file.chunkSizes().size() + " chunkSizes");
        long total = 0;
        for (Long length : file.chunkSizes()) {
            require(length != null && length >= 1 && length <= chunkSize,
                    "file " + file.path() + " has a chunk of " + length + " bytes; chunks have 1 to " + chunkSize + " bytes");
            total += length;
        }
        require(total == file.size(), "the chunkSizes of file " + file.path() + " add up to " + total + " bytes, its size is " + file.size());
    }

    private static void require(boolean condition, String message)
    {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
