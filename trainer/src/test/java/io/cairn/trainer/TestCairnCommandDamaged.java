package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One damaged object on local disk does not take a run down: {@code ls} lists the intact checkpoints
 * and marks the damaged one, {@code verify} names it and exits 1, {@code train --resume} falls back to
 * the newest intact checkpoint, says so, and ends bit-identical to an uninterrupted run; a damaged
 * manifest is moved to {@code quarantine/} when its step is committed again.
 */
class TestCairnCommandDamaged
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String INDEX_FILE = "variables/variables.index";
    private static final String DATA_FILE = "variables/variables.data-00000-of-00001";

    @TempDir
    Path temp;

    enum Damage
    {
        TRUNCATED_MANIFEST(true),
        GARBAGE_MANIFEST(true),
        MISSING_INDEX_CHUNK(false),
        DAMAGED_DATA_CHUNK(false);

        final boolean manifest;

        Damage(boolean manifest)
        {
            this.manifest = manifest;
        }

        /**
         * @return how the reports name the damaged object: the manifest's key or the chunk's hash
         */
        String inject(Path store, String run)
                throws IOException
        {
            String manifestKey = "runs/" + run + "/checkpoints/" + String.format("%020d", 70) + ".json";
            Path manifest = store.resolve(manifestKey);
            byte[] json = Files.readAllBytes(manifest);
            switch (this) {
                case TRUNCATED_MANIFEST -> {
                    // what a partial copy between buckets leaves
                    Files.write(manifest, java.util.Arrays.copyOf(json, json.length / 3));
                    return manifestKey;
                }
                case GARBAGE_MANIFEST -> {
                    byte[] garbage = new byte[json.length];
                    new Random(70).nextBytes(garbage);
                    Files.write(manifest, garbage);
                    return manifestKey;
                }
                case MISSING_INDEX_CHUNK -> {
                    String chunk = chunks(json, INDEX_FILE).get(0);
                    Files.delete(chunkPath(store, chunk));
                    return chunk;
                }
                case DAMAGED_DATA_CHUNK -> {
                    List<String> earlier = chunks(Files.readAllBytes(store.resolve(manifestKey.replace("70.json", "60.json"))), DATA_FILE);
                    String chunk = chunks(json, DATA_FILE).stream().filter(hash -> !earlier.contains(hash)).findFirst().orElseThrow();
                    Path path = chunkPath(store, chunk);
                    byte[] bytes = Files.readAllBytes(path);
                    // one flipped bit: bit rot
                    bytes[bytes.length / 2] ^= 4;
                    Files.write(path, bytes);
                    return chunk;
                }
            }
            throw new AssertionError(this);
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void lsVerifyAndResumeGoOnPastOneDamagedObject(Damage damage)
            throws IOException
    {
        String whole = temp.resolve("whole").toString();
        Path store = temp.resolve("damaged");
        String[] flags = concat(Scenarios.SEED_FLAGS, "--mode", "state", "--save-every-steps", "10");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        CliRun stopped = cairn(concat(concat(new String[] {"train", "--store", store.toString()}, flags), "--max-steps", "73", "--json"));
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        String run = stopped.json().get("run").asText();
        String damaged = damage.inject(store, run);

        CliRun ls = cairn("ls", "--store", store.toString());
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        CliRun lsJson = cairn("ls", "--store", store.toString(), "--json");
        assertThat(lsJson.exitCode()).as(lsJson.toString()).isZero();
        List<Long> listed = steps(lsJson.json().get("checkpoints"));
        if (damage.manifest) {
            assertThat(ls.err()).containsPattern(run + " +70 +- +DAMAGED +.*" + damaged).contains("WARNING: 1 damaged checkpoint(s)");
            assertThat(listed).containsExactly(10L, 20L, 30L, 40L, 50L, 60L);
            assertThat(lsJson.json().get("damaged")).singleElement().satisfies(entry -> {
                assertThat(entry.get("step").asLong()).isEqualTo(70);
                assertThat(entry.get("key").asText()).isEqualTo(damaged);
                assertThat(entry.get("reason").asText()).contains(damaged);
            });
        }
        else {
            // the manifest is intact: only reading the chunks finds the damage
            assertThat(listed).last().isEqualTo(70L);
            assertThat(lsJson.json().get("damaged")).isEmpty();
        }

        CliRun verify = cairn("verify", "--store", store.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.err()).contains("DAMAGED  run " + run + " step 70").contains(damaged)
                .contains("7 checkpoint(s) verified, 1 damaged").contains("ok       run " + run + " step 60");

        CliRun resumed = cairn(concat(concat(new String[] {"train", "--store", store.toString()}, flags), "--resume", "--json"));
        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.err()).contains("Skipped the damaged checkpoint of run " + run + " at step 70: ").contains(damaged)
                .contains("Resuming run " + run + " from step 60");
        assertThat(resumed.json().get("resumedFrom").asLong()).isEqualTo(60);
        assertThat(resumed.json().get("steps").asLong()).isEqualTo(160);
        assertThat(Scenarios.dataFileHash(Scenarios.inspectLatest(store.toString()))).isEqualTo(Scenarios.dataFileHash(Scenarios.inspectLatest(whole)));

        List<Path> quarantined = files(store.resolve("quarantine").resolve(run));
        if (damage.manifest) {
            assertThat(quarantined).singleElement().satisfies(moved -> assertThat(moved.getFileName().toString()).matches("0{18}70-\\d{8}T\\d{9}Z\\.json"));
        }
        else {
            assertThat(quarantined).isEmpty();
        }
        CliRun after = cairn("ls", "--store", store.toString(), "--json");
        assertThat(steps(after.json().get("checkpoints"))).hasSize(16).contains(70L);
        assertThat(after.json().get("damaged")).isEmpty();
        CliRun verifyAfter = cairn("verify", "--store", store.toString());
        assertThat(verifyAfter.exitCode()).as(verifyAfter.toString()).isZero();
    }

    private static List<String> chunks(byte[] manifest, String path)
            throws IOException
    {
        for (JsonNode file : MAPPER.readTree(manifest).get("files")) {
            if (file.get("path").asText().equals(path)) {
                List<String> chunks = new ArrayList<>();
                file.get("chunks").forEach(chunk -> chunks.add(chunk.asText()));
                return chunks;
            }
        }
        throw new AssertionError("no " + path);
    }

    private static Path chunkPath(Path store, String hash)
    {
        return store.resolve("chunks").resolve(hash.substring(0, 2)).resolve(hash);
    }

    private static List<Long> steps(JsonNode checkpoints)
    {
        List<Long> steps = new ArrayList<>();
        checkpoints.forEach(checkpoint -> steps.add(checkpoint.get("step").asLong()));
        return steps;
    }

    private static List<Path> files(Path directory)
            throws IOException
    {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
