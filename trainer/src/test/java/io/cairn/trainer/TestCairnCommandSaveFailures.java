package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.SEED_FLAGS;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static io.cairn.trainer.Scenarios.concat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --on-save-failure}, on a store ({@link FlakyStoreProvider}) whose commits of chosen steps fail.
 */
class TestCairnCommandSaveFailures
{
    @Test
    void byDefaultTrainingContinuesPastFailedSavesWhichAreToldOnceAndCounted()
    {
        CliRun run = cairn(concat(new String[] {"train", "--store", "flaky:/?fail-steps=50,100", "--json"}, SEED_FLAGS));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode summary = run.json();
        assertThat(summary.get("steps").asLong()).isEqualTo(160);
        assertThat(summary.get("saved").toString()).isEqualTo("[150]");
        assertThat(summary.get("failedSaves").asInt()).isEqualTo(2);
        // one cause, told once, naming the step, the store and the cause
        assertThat(run.err().lines().filter(line -> line.startsWith("WARN: the save of step"))).as(run.toString())
                .singleElement().asString()
                .contains("step 50", "memory:/", "disk full (injected)", "training continues");
        assertThat(run.err()).contains("WARN: 2 save(s) of run");
    }

    @Test
    void continueStillExitsOneWhenTheNewestSaveFailed()
    {
        CliRun run = cairn(concat(new String[] {"train", "--store", "flaky:/?fail-steps=150", "--on-save-failure", "continue", "--json"}, SEED_FLAGS));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("newest save").contains("at step 150 to memory:/").contains("disk full (injected)");
    }

    @Test
    void stopEndsTrainingWithExitOneAfterAFailedSave()
    {
        CliRun run = cairn(concat(new String[] {"train", "--store", "flaky:/?fail-steps=50", "--on-save-failure", "stop", "--json"}, SEED_FLAGS));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("disk full (injected)").contains("training stops (--on-save-failure stop)");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownPolicyIsBadUsage()
    {
        assertUsageError(cairn("train", "--store", "memory:", "--on-save-failure", "retry"), "--on-save-failure");
    }

    @Test
    void onSaveFailureContradictsNoSave()
    {
        assertUsageError(cairn("train", "--no-save", "--store", "memory:", "--on-save-failure", "stop"), "--on-save-failure");
    }
}
