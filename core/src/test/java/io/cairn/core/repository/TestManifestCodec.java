package io.cairn.core.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.checkpoint.CorruptCheckpointException;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.train.TrainerState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestManifestCodec
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = "20260101T000000Z-abcdef";
    private static final long STEP = 150;
    private static final String KEY = RepositoryLayout.manifestKey(RUN, STEP);
    private static final int CHUNK_SIZE = 4096;
    private static final String DATA_FILE = "variables/variables.data-00000-of-00001";

    @Test
    void validManifestRoundTrips()
    {
        Manifest manifest = validManifest(SaveKind.FULL);

        Manifest read = ManifestCodec.read(ManifestCodec.write(manifest), KEY);

        assertThat(read).isEqualTo(manifest);
        assertThat(read.bytes()).isEqualTo(10 + 5000 + 9000);
        assertThat(read.trainerStateIfPresent()).contains(manifest.trainerState());
        assertThat(read.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow().chunks()).hasSize(2);
        assertThat(read.chunkLengths(read.file(DATA_FILE).orElseThrow())).containsExactly(4000L, 4096L, 904L);
        assertThat(new String(ManifestCodec.write(manifest), StandardCharsets.UTF_8)).contains("\"chunkSizes\" : [ 4000, 4096, 904 ]");
    }

    @Test
    void readsAFormatVersion1ManifestAsFixedSizeChunks()
    {
        Manifest read = read(TestManifestCodec::asFormatVersion1);

        assertThat(read.formatVersion()).isEqualTo(1);
        assertThat(read.file(DATA_FILE).orElseThrow().chunkSizes()).isNull();
        assertThat(read.chunkLengths(read.file(DATA_FILE).orElseThrow())).containsExactly(4096L, 4096L, 808L);
        assertThat(read.chunkLengths(read.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow())).containsExactly(4096L, 904L);
    }

    @Test
    void weightsManifestWithoutTrainerStateOrSavedModelRoundTrips()
    {
        Manifest manifest = validManifest(SaveKind.WEIGHTS);

        Manifest read = ManifestCodec.read(ManifestCodec.write(manifest), KEY);

        assertThat(read).usingRecursiveComparison().isEqualTo(manifest);
        assertThat(read.trainerStateIfPresent()).isEmpty();
        assertThat(new String(ManifestCodec.write(manifest), StandardCharsets.UTF_8)).doesNotContain("trainerState");
    }

    @Test
    void unknownPropertiesAreIgnored()
    {
        Manifest read = read(json -> json.put("writtenBy", "a newer Cairn"));

        assertThat(read.step()).isEqualTo(STEP);
    }

    @Test
    void rejectsAnotherFormatVersion()
    {
        assertCorrupt(json -> json.put("formatVersion", 4), "format version 4 is not supported");
        assertCorrupt(json -> json.put("formatVersion", 0), "format version 0 is not supported");
    }

    @Test
    void rejectsAManifestStoredUnderAnotherStepsKey()
    {
        String otherKey = RepositoryLayout.manifestKey(RUN, 100);

        assertThatThrownBy(() -> ManifestCodec.read(validJson(), otherKey))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(otherKey)
                .hasMessageContaining("step " + STEP)
                .hasMessageContaining(KEY);
    }

    @Test
    void rejectsAManifestStoredUnderAnotherRunsKey()
    {
        String otherKey = RepositoryLayout.manifestKey("other-run", STEP);

        assertThatThrownBy(() -> ManifestCodec.read(validJson(), otherKey))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(otherKey)
                .hasMessageContaining("run " + RUN);
    }

    @Test
    void rejectsAnInvalidRunId()
    {
        assertCorrupt(json -> json.put("run", "../escape"), "'../escape'");
    }

    @Test
    void rejectsFilePathsThatLeaveTheCheckpoint()
    {
        assertCorrupt(json -> file(json, 2).put("path", "../x"), "../x");
        assertCorrupt(json -> file(json, 2).put("path", "/abs"), "/abs");
        assertCorrupt(json -> file(json, 2).put("path", "a//b"), "a//b");
        assertCorrupt(json -> file(json, 2).put("path", "variables/./x"), "variables/./x");
        assertCorrupt(json -> file(json, 2).put("path", "a\\b"), "backslash");
        assertCorrupt(json -> file(json, 2).put("path", ""), "File path is empty");
    }

    @Test
    void rejectsAPathListedTwice()
    {
        assertCorrupt(json -> file(json, 2).put("path", CheckpointFiles.VARIABLES_INDEX),
                "file " + CheckpointFiles.VARIABLES_INDEX + " is listed twice");
    }

    @Test
    void rejectsMalformedFileHashes()
    {
        String upper = sha256("a").toUpperCase();
        assertCorrupt(json -> file(json, 0).put("sha256", upper), upper);
        assertCorrupt(json -> file(json, 0).put("sha256", "abc123"), "'abc123'");
        assertCorrupt(json -> file(json, 0).remove("sha256"), "SHA-256 of file saved_model.pb");
    }

    @Test
    void rejectsMalformedChunkHashes()
    {
        String upper = sha256("a").toUpperCase();
        assertCorrupt(json -> chunks(json, 1).set(1, upper), "Chunk of file " + CheckpointFiles.VARIABLES_INDEX);
        assertCorrupt(json -> chunks(json, 1).set(0, "../../" + sha256("a").substring(6)), "Chunk of file");
    }

    @Test
    void rejectsChunkCountsThatDoNotMatchTheFileSizeInFormatVersion1()
    {
        // 5000 bytes in chunks of 4096 need 2 chunks
        assertCorrupt(asFormatVersion1(json -> chunks(json, 1).remove(1)), "needs 2 chunks of 4096 bytes, lists 1");
        assertCorrupt(asFormatVersion1(json -> chunks(json, 1).add(sha256("extra"))), "needs 2 chunks of 4096 bytes, lists 3");
        assertCorrupt(asFormatVersion1(json -> file(json, 1).put("size", 8193)), "needs 3 chunks");
        assertCorrupt(asFormatVersion1(json -> json.put("chunkSize", 1000)), "needs 5 chunks of 1000 bytes, lists 2");
        assertCorrupt(json -> json.put("chunkSize", 0), "chunkSize must be positive");
        assertCorrupt(asFormatVersion1(json -> file(json, 1).putArray("chunkSizes").add(4096).add(904)), "file " + CheckpointFiles.VARIABLES_INDEX + " lists chunkSizes");
    }

    @Test
    void rejectsChunkSizesThatDoNotMakeUpTheFile()
    {
        assertCorrupt(json -> file(json, 2).remove("chunkSizes"), "file " + DATA_FILE + " has no chunkSizes");
        assertCorrupt(json -> chunkSizes(json, 2).remove(2), "lists 3 chunks and 2 chunkSizes");
        assertCorrupt(json -> chunkSizes(json, 2).add(1), "lists 3 chunks and 4 chunkSizes");
        assertCorrupt(json -> {
            chunkSizes(json, 2).set(0, 0);
            chunkSizes(json, 2).set(1, 8096);
        }, "has a chunk of 0 bytes; chunks have 1 to 4096 bytes");
        assertCorrupt(json -> {
            chunkSizes(json, 2).set(0, 100);
            chunkSizes(json, 2).set(1, 7996);
        }, "has a chunk of 7996 bytes; chunks have 1 to 4096 bytes");
        assertCorrupt(json -> chunkSizes(json, 2).set(2, 903), "the chunkSizes of file " + DATA_FILE + " add up to 8999 bytes, its size is 9000");
        assertCorrupt(json -> file(json, 2).put("size", 9001), "add up to 9000 bytes, its size is 9001");
        assertCorrupt(json -> chunkSizes(json, 2).setNull(1), "has a chunk of null bytes");
    }

    @Test
    void acceptsAFileOfExactlyOneChunkAndAnEmptyFile()
    {
        Manifest exact = read(json -> {
            file(json, 1).put("size", CHUNK_SIZE);
            chunks(json, 1).remove(1);
            chunkSizes(json, 1).remove(1);
        });
        Manifest empty = read(json -> {
            file(json, 1).put("size", 0);
            chunks(json, 1).removeAll();
            chunkSizes(json, 1).removeAll();
        });

        assertThat(exact.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow().chunks()).hasSize(1);
        assertThat(empty.file(CheckpointFiles.VARIABLES_INDEX).orElseThrow().chunks()).isEmpty();
    }

    @Test
    void rejectsANegativeFileSize()
    {
        assertCorrupt(json -> file(json, 1).put("size", -1), "negative size");
    }

    @Test
    void rejectsUnknownVariableTypes()
    {
        assertCorrupt(json -> variable(json, 0).put("dtype", "QUATERNION"), "Unknown tensor type 'QUATERNION'");
        assertCorrupt(json -> variable(json, 0).put("dtype", "STRING"), "STRING is not supported");
        assertCorrupt(json -> variable(json, 0).remove("dtype"), KEY);
    }

    @Test
    void theParentOfAFineTunedRunRoundTripsAndIsValidated()
    {
        Manifest base = validManifest(SaveKind.FULL);
        Manifest child = new Manifest(base.formatVersion(), base.run(), base.step(), base.epoch(), base.kind(), base.createdAt(), base.metrics(), base.model(),
                base.chunkSize(), base.files(), base.variables(), base.trainerState(), new Manifest.InitFrom("20261201T000000000Z-abcdef", 160));

        assertThat(ManifestCodec.read(ManifestCodec.write(child), KEY).initFrom()).isEqualTo(child.initFrom());
        assertThat(new String(ManifestCodec.write(base), StandardCharsets.UTF_8)).doesNotContain("initFrom");
        assertCorrupt(json -> json.putObject("initFrom").put("run", "../escape").put("step", 1), "Run id must be");
        assertCorrupt(json -> json.putObject("initFrom").put("run", "parent").put("step", -1), "its parent's step is negative");
    }

    @Test
    void rejectsUnknownVariableRoles()
    {
        assertCorrupt(json -> variable(json, 1).put("role", "bias"), "Unknown variable role 'bias'");
        assertCorrupt(json -> variable(json, 1).remove("role"), KEY);
    }

    @Test
    void rejectsNegativeDimensions()
    {
        assertCorrupt(json -> ((ArrayNode) variable(json, 0).get("shape")).set(1, -3), "variable dense_1_kernel has a negative dimension");
    }

    @Test
    void rejectsVariablesListedTwiceOrUnnamed()
    {
        assertCorrupt(json -> variable(json, 1).put("name", "dense_1_kernel"), "variable dense_1_kernel is listed twice");
        assertCorrupt(json -> variable(json, 1).put("name", ""), "a variable has no name");
        assertCorrupt(json -> ((ArrayNode) json.get("variables")).removeAll(), "it lists no variables");
    }

    @Test
    void rejectsAFullCheckpointWithoutSavedModel()
    {
        assertCorrupt(json -> file(json, 0).put("path", "other.pb"), "FULL checkpoint has no saved_model.pb");
    }

    @Test
    void rejectsAResumableCheckpointWithoutTrainerState()
    {
        assertCorrupt(json -> {
            json.put("kind", "STATE");
            json.remove("trainerState");
        }, "STATE checkpoint has no trainer state");
        assertCorrupt(json -> json.remove("trainerState"), "FULL checkpoint has no trainer state");
    }

    @Test
    void rejectsTrainerStateOfAnotherStep()
    {
        assertCorrupt(json -> ((ObjectNode) json.get("trainerState")).put("step", 7), "its trainer state is at step 7");
    }

    @Test
    void rejectsACheckpointWithoutVariablesIndex()
    {
        assertCorrupt(json -> file(json, 1).put("path", "variables/other.index"), "it has no " + CheckpointFiles.VARIABLES_INDEX);
    }

    @Test
    void rejectsMissingOrMalformedHeaderFields()
    {
        assertCorrupt(json -> json.put("createdAt", "yesterday"), "createdAt is not an ISO-8601 instant: yesterday");
        assertCorrupt(json -> json.remove("createdAt"), "createdAt is missing");
        assertCorrupt(json -> json.remove("kind"), "kind is missing");
        assertCorrupt(json -> json.put("kind", "PARTIAL"), "PARTIAL");
        assertCorrupt(json -> json.put("epoch", -1), "epoch is negative");
        assertCorrupt(json -> json.remove("metrics"), "metrics are missing");
        assertCorrupt(json -> json.remove("model"), "model signature is missing");
        assertCorrupt(json -> ((ArrayNode) json.get("files")).removeAll(), "it lists no files");
    }

    @Test
    void rejectsMalformedJson()
    {
        byte[] truncated = new String(validJson(), StandardCharsets.UTF_8).substring(0, 40).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ManifestCodec.read(truncated, KEY))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ManifestCodec.read("[1, 2]".getBytes(StandardCharsets.UTF_8), KEY))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY);
        assertThatThrownBy(() -> ManifestCodec.read("null".getBytes(StandardCharsets.UTF_8), KEY))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY);
        assertThatThrownBy(() -> ManifestCodec.read(new byte[0], KEY))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY);
    }

    @Test
    void rejectsNullForANumericField()
    {
        assertCorrupt(json -> json.putNull("step"), "not valid JSON");
    }

    private static void assertCorrupt(Consumer<ObjectNode> damage, String expected)
    {
        byte[] json = damaged(damage);

        assertThatThrownBy(() -> ManifestCodec.read(json, KEY))
                .isInstanceOf(CorruptCheckpointException.class)
                .hasMessageContaining(KEY)
                .hasMessageContaining(expected);
    }

    private static Manifest read(Consumer<ObjectNode> change)
    {
        return ManifestCodec.read(damaged(change), KEY);
    }

    private static byte[] damaged(Consumer<ObjectNode> damage)
    {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(validJson());
            damage.accept(json);
            return JSON.writeValueAsBytes(json);
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ObjectNode file(ObjectNode manifest, int index)
    {
        return (ObjectNode) manifest.get("files").get(index);
    }

    private static ArrayNode chunks(ObjectNode manifest, int fileIndex)
    {
        return (ArrayNode) file(manifest, fileIndex).get("chunks");
    }

    private static ArrayNode chunkSizes(ObjectNode manifest, int fileIndex)
    {
        return (ArrayNode) file(manifest, fileIndex).get("chunkSizes");
    }

    /**
     * The valid manifest as format version 1 wrote it: fixed-size chunks, no chunk lengths.
     */
    private static void asFormatVersion1(ObjectNode manifest)
    {
        manifest.put("formatVersion", 1);
        manifest.get("files").forEach(file -> ((ObjectNode) file).remove("chunkSizes"));
    }

    private static Consumer<ObjectNode> asFormatVersion1(Consumer<ObjectNode> damage)
    {
        return json -> {
            asFormatVersion1(json);
            damage.accept(json);
        };
    }

    private static ObjectNode variable(ObjectNode manifest, int index)
    {
        return (ObjectNode) manifest.get("variables").get(index);
    }

    private static byte[] validJson()
    {
        return ManifestCodec.write(validManifest(SaveKind.FULL));
    }

    private static Manifest validManifest(SaveKind kind)
    {
        List<Manifest.FileEntry> files = new java.util.ArrayList<>();
        if (kind == SaveKind.FULL) {
            files.add(new Manifest.FileEntry(CheckpointFiles.SAVED_MODEL_PB, 10, sha256("pb"), List.of(sha256("pb")), List.of(10L)));
        }
        else {
            files.add(new Manifest.FileEntry("notes.txt", 10, sha256("notes"), List.of(sha256("notes")), List.of(10L)));
        }
        files.add(new Manifest.FileEntry(CheckpointFiles.VARIABLES_INDEX, 5000, sha256("index"), List.of(sha256("index-0"), sha256("index-1")), List.of(4096L, 904L)));
        // cut at tensors: the first chunk is a tensor of 4000 bytes
        files.add(new Manifest.FileEntry(DATA_FILE, 9000, sha256("data"),
                List.of(sha256("data-0"), sha256("data-1"), sha256("data-2")), List.of(4000L, 4096L, 904L)));
        TrainerState state = kind.resumable()
                ? new TrainerState(STEP, 4, 22, 42, 32, 1000, true, 12.5, 7.25, 700, Map.of("best.loss", 0.5))
                : null;
        return new Manifest(Manifest.FORMAT_VERSION, RUN, STEP, 4, kind, "2026-01-01T00:00:00.123Z",
                Map.of("loss", 1.52, "accuracy", 0.41),
                new Manifest.ModelInfo("mlp:4,3,2", sha256("signature")),
                CHUNK_SIZE,
                files,
                List.of(
                        new Manifest.VariableEntry("dense_1_kernel", "FLOAT", List.of(4L, 3L), "weight"),
                        new Manifest.VariableEntry("dense_1_kernel_m", "FLOAT", List.of(4L, 3L), "optimizer"),
                        new Manifest.VariableEntry("beta1_power", "FLOAT", List.of(), "optimizer")),
                state);
    }

    private static String sha256(String content)
    {
        try {
            return RepositoryLayout.hex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
