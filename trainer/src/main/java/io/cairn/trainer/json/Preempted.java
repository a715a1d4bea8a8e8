package io.cairn.trainer.json;

import static java.util.Objects.requireNonNull;

/**
 * {@code train --json}'s {@code "preempted"}: the signal that stopped training and the step of the last
 * save, taken for it.
 *
 * @param signal {@code TERM} or {@code INT}
 * @param savedStep the step training stopped and saved at
 */
public record Preempted(String signal, long savedStep)
{
    public Preempted
    {
        requireNonNull(signal, "signal is null");
    }
}
