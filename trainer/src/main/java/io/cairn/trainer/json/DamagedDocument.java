package io.cairn.trainer.json;

import io.cairn.core.checkpoint.DamagedCheckpoint;

/**
 * A damaged checkpoint as {@code ls --json} lists it: a manifest that does not parse or validate.
 *
 * @param key the manifest's key in the store
 * @param reason what is wrong, naming the damaged object
 */
public record DamagedDocument(String run, long step, String key, String reason)
{
    public static DamagedDocument of(DamagedCheckpoint damaged)
    {
        return new DamagedDocument(damaged.run(), damaged.step(), damaged.key(), damaged.reason());
    }
}
