package io.cairn.core.train;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How {@link Trainer#fit} runs.
 *
 * @param epochs epochs to train in all (a resumed run counts the epochs before it too)
 * @param batchSize samples per batch
 * @param seed the shuffle seed
 * @param shuffle whether each epoch is shuffled
 * @param maxSteps stop after this global step, as if interrupted there; empty to run every epoch
 * @param resumeFrom where a resumed run continues; empty for a fresh start
 */
public record FitOptions(int epochs, int batchSize, long seed, boolean shuffle, Optional<Long> maxSteps, Optional<TrainerState> resumeFrom)
{
    public FitOptions
    {
        if (epochs <= 0) {
            throw new IllegalArgumentException("Epochs must be at least 1, got " + epochs);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be at least 1, got " + batchSize);
        }
        requireNonNull(maxSteps, "maxSteps is null");
        requireNonNull(resumeFrom, "resumeFrom is null");
        maxSteps.ifPresent(steps -> {
            if (steps <= 0) {
                throw new IllegalArgumentException("Max steps must be at least 1, got " + steps);
            }
        });
    }

    public static FitOptions of(int epochs, int batchSize, long seed)
    {
        return new FitOptions(epochs, batchSize, seed, true, Optional.empty(), Optional.empty());
    }

    public FitOptions withMaxSteps(long steps)
    {
        return new FitOptions(epochs, batchSize, seed, shuffle, Optional.of(steps), resumeFrom);
    }

    public FitOptions withShuffle(boolean shuffle)
    {
        return new FitOptions(epochs, batchSize, seed, shuffle, maxSteps, resumeFrom);
    }

    public FitOptions resumingFrom(TrainerState state)
    {
        return new FitOptions(epochs, batchSize, seed, shuffle, maxSteps, Optional.of(state));
    }
}
