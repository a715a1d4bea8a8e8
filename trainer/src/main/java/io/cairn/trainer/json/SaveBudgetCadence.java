package io.cairn.trainer.json;

import java.util.List;

/**
 * The cadence {@code --save-budget} chose: {@link JsonDocuments.TrainSummary#saveBudget()} in
 * {@code train --json}.
 *
 * @param budget the fraction of training time saving may cost
 * @param saves the saves the budget asked for; saves other policies asked for are not counted
 * @param intervalSteps the steps before each of those saves since the one before (the first counts
 * from where this process started training)
 * @param nextIntervalSteps the interval it had chosen when training ended
 * @param measuredCost the cost of saving it measured (stall plus slowed steps), as a fraction of
 * training time
 * @param stepMillis the undisturbed step time it measured last
 */
public record SaveBudgetCadence(double budget, int saves, List<Long> intervalSteps, long nextIntervalSteps, double measuredCost, double stepMillis)
{
    public SaveBudgetCadence
    {
        intervalSteps = List.copyOf(intervalSteps);
    }
}
