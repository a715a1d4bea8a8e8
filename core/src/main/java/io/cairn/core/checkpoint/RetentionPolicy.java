package io.cairn.core.checkpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Which committed checkpoints of a run to keep. Rules combine by union: a checkpoint any rule keeps is
 * kept.
 */
public interface RetentionPolicy
{
    /**
     * @param checkpoints the run's committed checkpoints, by step
     * @return the steps to keep
     */
    Set<Long> keep(List<Manifest> checkpoints);

    static RetentionPolicy keepAll()
    {
        return checkpoints -> checkpoints.stream().map(Manifest::step).collect(Collectors.toSet());
    }

    static RetentionPolicy keepLast(int count)
    {
        if (count <= 0) {
            throw new IllegalArgumentException("keepLast must be at least 1, got " + count);
        }
        return checkpoints -> checkpoints.stream()
                .map(Manifest::step)
                .sorted(Comparator.reverseOrder())
                .limit(count)
                .collect(Collectors.toSet());
    }

    static RetentionPolicy keepEverySteps(long steps)
    {
        if (steps <= 0) {
            throw new IllegalArgumentException("keepEverySteps must be at least 1, got " + steps);
        }
        return checkpoints -> checkpoints.stream()
                .map(Manifest::step)
                .filter(step -> step % steps == 0)
                .collect(Collectors.toSet());
    }

    /**
     * One checkpoint per {@code interval} of wall time, as {@code tf.train.CheckpointManager}'s
     * {@code keep_checkpoint_every_n_hours}: the first checkpoint, then each one created at least
     * {@code interval} after the last one kept.
     */
    static RetentionPolicy keepEvery(Duration interval)
    {
        requireNonNull(interval, "interval is null");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("keepEvery must be a positive duration, got " + interval);
        }
        return checkpoints -> {
            Set<Long> keep = new HashSet<>();
            Instant next = Instant.MIN;
            for (Manifest manifest : checkpoints.stream().sorted(Comparator.comparingLong(Manifest::step)).toList()) {
                Instant created = Instant.parse(manifest.createdAt());
                if (!created.isBefore(next)) {
                    keep.add(manifest.step());
                    next = created.plus(interval);
                }
            }
            return keep;
        };
    }

    /**
     * The {@code count} checkpoints with the best value of a metric; ties go to the newer one. Checkpoints
     * without the metric are not kept by this rule.
     */
    static RetentionPolicy keepBest(int count, String metric, MetricMode mode)
    {
        if (count <= 0) {
            throw new IllegalArgumentException("keepBest must be at least 1, got " + count);
        }
        requireNonNull(metric, "metric is null");
        requireNonNull(mode, "mode is null");
        Comparator<Manifest> byMetric = Comparator.comparingDouble(manifest -> manifest.metrics().get(metric));
        Comparator<Manifest> best = (mode == MetricMode.MIN ? byMetric : byMetric.reversed())
                .thenComparing(Comparator.comparingLong(Manifest::step).reversed());
        return checkpoints -> checkpoints.stream()
                .filter(manifest -> manifest.metrics().get(metric) != null && !manifest.metrics().get(metric).isNaN())
                .sorted(best)
                .limit(count)
                .map(Manifest::step)
                .collect(Collectors.toSet());
    }

    static RetentionPolicy union(List<RetentionPolicy> rules)
    {
        List<RetentionPolicy> all = List.copyOf(rules);
        if (all.isEmpty()) {
            return keepAll();
        }
        return checkpoints -> {
            Set<Long> keep = new HashSet<>();
            all.forEach(rule -> keep.addAll(rule.keep(checkpoints)));
            return keep;
        };
    }
}
