package io.cairn.core.train;

import java.util.Map;

/**
 * @param stepsRun steps this call ran (a resumed run counts only its own)
 * @param trainSeconds wall time of the training loop alone
 * @param metrics the last epoch's running averages
 * @param finalState where a later run would resume
 * @param stoppedEarly true when {@code maxSteps} or a callback ({@code TrainingCallback.stopTraining}) stopped training before its last epoch
 */
public record FitResult(long stepsRun, double trainSeconds, Map<String, Double> metrics, TrainerState finalState, boolean stoppedEarly) {}
