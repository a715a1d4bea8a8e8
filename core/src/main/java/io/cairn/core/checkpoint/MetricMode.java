package io.cairn.core.checkpoint;

import java.util.Locale;

/**
 * Whether smaller or larger values of a metric are better.
 */
public enum MetricMode
{
    MIN,
    MAX;

    public boolean better(double candidate, double best, double minDelta)
    {
        return this == MIN ? candidate < best - minDelta : candidate > best + minDelta;
    }

    /**
     * The usual direction for a metric name: {@code max} for accuracy-like metrics, else {@code min}.
     */
    public static MetricMode defaultFor(String metric)
    {
        return metric.toLowerCase(Locale.ROOT).contains("acc") ? MAX : MIN;
    }

    public static MetricMode parse(String mode)
    {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "min" -> MIN;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException("Unknown metric mode '" + mode + "'; expected min or max");
        };
    }
}
