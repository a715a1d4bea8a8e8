package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;

import static java.util.Objects.requireNonNull;

/**
 * {@code --save-best METRIC[:min|max]}: a metric training reports, and which way is better (by
 * default lower loss, higher accuracy).
 */
record MonitorSpec(String metric, MetricMode mode)
{
    MonitorSpec
    {
        requireNonNull(metric, "metric is null");
        requireNonNull(mode, "mode is null");
    }

    static MonitorSpec parse(String spec)
    {
        String[] parts = spec.split(":", -1);
        if (parts.length > 2 || parts[0].isBlank()) {
            throw new IllegalArgumentException("--save-best " + spec + ": expected METRIC or METRIC:min or METRIC:max, e.g. loss:min");
        }
        if (!parts[0].equals("loss") && !parts[0].equals("accuracy")) {
            throw new IllegalArgumentException("--save-best " + spec + ": unknown metric '" + parts[0] + "'; training reports loss and accuracy");
        }
        MetricMode mode = parts.length == 2 ? MetricMode.parse(parts[1]) : MetricMode.defaultFor(parts[0]);
        return new MonitorSpec(parts[0], mode);
    }
}
