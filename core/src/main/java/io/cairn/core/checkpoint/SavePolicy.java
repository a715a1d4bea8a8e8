package io.cairn.core.checkpoint;

import java.util.Map;

/**
 * Decides when to save. Asked after every batch and at every epoch end; answers "save now". A policy
 * that keeps bookkeeping (a best value) exposes it through {@link #state()} so a resumed run decides
 * exactly as the uninterrupted one would have.
 */
public interface SavePolicy
{
    /**
     * @param step global steps done
     * @param metrics the epoch's running averages
     */
    default boolean afterStep(long step, Map<String, Double> metrics)
    {
        return false;
    }

    /**
     * @param epochsDone epochs completed, counting this one
     * @param metrics the epoch's averages
     */
    default boolean afterEpoch(int epochsDone, long step, Map<String, Double> metrics)
    {
        return false;
    }

    default Map<String, Double> state()
    {
        return Map.of();
    }

    default void restore(Map<String, Double> state) {}
}
