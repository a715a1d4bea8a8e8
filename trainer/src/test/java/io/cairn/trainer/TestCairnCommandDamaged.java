package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.core.checkpoint.CheckpointDamage;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.store.CheckpointStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(CheckpointDamage.class)
    void lsVerifyAndResumeGoOnPastOneDamagedObject(CheckpointDamage damage)
            throws IOException
    {
        String whole = temp.resolve("whole").toString();
        Path store = temp.resolve("damaged");
        String[] flags = concat(Scenarios.SEED_FLAGS, "--mode", "state", "--save-every-steps", "10");
        assertThat(cairn(concat(new String[] {"train", "--store", whole}, flags)).exitCode()).isZero();
        CliRun stopped = cairn(concat(concat(new String[] {"train", "--store", store.toString()}, flags), "--max-steps", "73", "--json"));
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        String run = stopped.json().get("run").asText();
        String damaged;
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(store.toUri().toString()))) {
            damaged = damage.inject(repository, run, 70);
        }

        CliRun ls = cairn("ls", "--store", store.toString());
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        CliRun lsJson = cairn("ls", "--store", store.toString(), "--json");
        assertThat(lsJson.exitCode()).as(lsJson.toString()).isZero();
        List<Long> listed = steps(lsJson.json().get("checkpoints"));
        if (damage.damagesManifest()) {
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
        if (damage.damagesManifest()) {
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
