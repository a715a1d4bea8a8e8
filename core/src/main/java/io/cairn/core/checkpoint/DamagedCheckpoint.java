package io.cairn.core.checkpoint;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint that cannot be used: its manifest does not parse or validate, or (found by a restore
 * or a verify) one of its chunks is missing or damaged.
 *
 * @param key the manifest's key in the store
 * @param reason what is wrong, naming the damaged object
 */
public record DamagedCheckpoint(String run, long step, String key, String reason)
{
    public DamagedCheckpoint
    {
        requireNonNull(run, "run is null");
        requireNonNull(key, "key is null");
        requireNonNull(reason, "reason is null");
    }
}
