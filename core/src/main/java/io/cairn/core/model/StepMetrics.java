package io.cairn.core.model;

/**
 * Loss and categorical accuracy of one batch ({@code NaN} accuracy when the model has none).
 */
public record StepMetrics(double loss, double accuracy) {}
