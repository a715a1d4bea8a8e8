package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cairn train --save-budget}: saves as often as the measured cost allows, alone or with the other
 * save flags, and {@code --json} reports the cadence it chose.
 */
class TestCairnCommandSaveBudget
{
    @TempDir
    Path temp;

    @Test
    void saveBudgetSavesAfterItsWarmUpAndReportsTheCadenceItChose()
    {
        CliRun train = cairn("train", "--store", temp.resolve("ckpt").toString(), "--save-budget", "5%", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        assertThat(train.err()).contains("Save budget 5.0%");
        JsonNode summary = train.json();
        List<Long> saved = steps(summary.get("saved"));
        JsonNode budget = summary.get("saveBudget");
        assertThat(budget.get("budget").asDouble()).isEqualTo(0.05);
        assertThat(budget.get("saves").asInt()).isPositive().isEqualTo(budget.get("intervalSteps").size());
        // the budget's saves, at the running sums of its intervals, are the run's saves (no other flag saves)
        List<Long> budgetSaves = new ArrayList<>();
        long step = 0;
        for (JsonNode interval : budget.get("intervalSteps")) {
            step += interval.asLong();
            budgetSaves.add(step);
        }
        assertThat(saved).isEqualTo(budgetSaves);
        assertThat(saved.get(0)).isEqualTo(21);
        assertThat(budget.get("nextIntervalSteps").asLong()).isPositive();
        assertThat(budget.get("measuredCost").asDouble()).isBetween(0.0, 1.0);
        assertThat(budget.get("stepMillis").asDouble()).isPositive();
        assertThat(cairn("ls", "--store", temp.resolve("ckpt").toString(), "--json").json().get("checkpoints")).hasSize(saved.size());
    }

    @Test
    void saveBudgetCombinesWithTheOtherSaveFlags()
    {
        CliRun train = cairn("train", "--store", temp.resolve("both").toString(), "--save-budget", "0.05", "--save-every-steps", "50", "--json");
        assertThat(train.exitCode()).as(train.toString()).isZero();
        List<Long> saved = steps(train.json().get("saved"));
        assertThat(saved).contains(21L, 50L, 100L, 150L);

        CliRun without = cairn("train", "--store", temp.resolve("without").toString(), "--save-every-steps", "50", "--json");
        assertThat(without.json().has("saveBudget")).isFalse();
    }

    @Test
    void aBudgetThatIsNotAFractionOfTrainingTimeExitsTwoNamingTheFlag()
    {
        String store = temp.resolve("ckpt").toString();
        assertUsageError(cairn("train", "--store", store, "--save-budget", "0"), "--save-budget 0: Save budget must be more than 0%");
        assertUsageError(cairn("train", "--store", store, "--save-budget", "150%"), "--save-budget 150%");
        assertUsageError(cairn("train", "--store", store, "--save-budget", "abc"), "--save-budget abc: Save budget must be a percentage such as 5%");
        assertUsageError(cairn("train", "--store", store, "--no-save", "--save-budget", "5%"), "--no-save and --save-budget");
        assertThat(temp.resolve("ckpt")).doesNotExist();
    }

    private static List<Long> steps(JsonNode array)
    {
        List<Long> steps = new ArrayList<>();
        array.forEach(step -> steps.add(step.asLong()));
        return steps;
    }
}
