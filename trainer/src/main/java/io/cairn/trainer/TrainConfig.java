package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.SaveKind;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Everything {@code cairn train} was asked to do, parsed and checked. Guice builds the run from it.
 */
record TrainConfig(
        String store,
        ModelSpec model,
        DataSpec data,
        int epochs,
        int batchSize,
        long seed,
        SaveKind mode,
        OptionalLong saveEverySteps,
        Optional<Duration> saveEvery,
        OptionalInt saveEveryEpochs,
        Optional<Monitor> saveBest,
        OptionalInt keepLast,
        OptionalLong keepEverySteps,
        OptionalInt keepBest,
        boolean sync,
        boolean saveOnFinish,
        OptionalLong maxSteps,
        boolean resume,
        Optional<String> run,
        boolean json)
{
    /**
     * Saves every 50 steps, as the seed does, when no save flag is given.
     */
    static final long DEFAULT_SAVE_EVERY_STEPS = 50;

    TrainConfig
    {
        requireNonNull(store, "store is null");
        requireNonNull(model, "model is null");
        requireNonNull(data, "data is null");
        requireNonNull(mode, "mode is null");
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
        positive(saveEverySteps, "--save-every-steps");
        positive(saveEveryEpochs, "--save-every-epochs");
        positive(keepLast, "--keep-last");
        positive(keepEverySteps, "--keep-every-steps");
        positive(keepBest, "--keep-best");
        positive(maxSteps, "--max-steps");
        saveEvery.ifPresent(duration -> {
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("--save-every must be positive, got " + duration);
            }
        });
        if (run.isPresent() && !resume) {
            throw new IllegalArgumentException("--run names the run to continue and needs --resume");
        }
    }

    /**
     * The metric {@code --keep-best} ranks by: the {@code --save-best} metric, else loss.
     */
    Monitor keepBestMonitor()
    {
        return saveBest.orElse(new Monitor("loss", MetricMode.MIN));
    }

    record Monitor(String metric, MetricMode mode)
    {
        static Monitor parse(String spec)
        {
            String[] parts = spec.split(":", -1);
            if (parts.length > 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("--save-best " + spec + ": expected METRIC or METRIC:min or METRIC:max, e.g. loss:min");
            }
            if (!parts[0].equals("loss") && !parts[0].equals("accuracy")) {
                throw new IllegalArgumentException("--save-best " + spec + ": unknown metric '" + parts[0] + "'; training reports loss and accuracy");
            }
            MetricMode mode = parts.length == 2 ? MetricMode.parse(parts[1]) : MetricMode.defaultFor(parts[0]);
            return new Monitor(parts[0], mode);
        }
    }

    private static void positive(OptionalLong value, String flag)
    {
        if (value.isPresent() && value.getAsLong() <= 0) {
            throw new IllegalArgumentException(flag + " must be at least 1, got " + value.getAsLong());
        }
    }

    private static void positive(OptionalInt value, String flag)
    {
        if (value.isPresent() && value.getAsInt() <= 0) {
            throw new IllegalArgumentException(flag + " must be at least 1, got " + value.getAsInt());
        }
    }
}
