package io.cairn.core.checkpoint;

import java.util.List;

/**
 * Hears what background saves do. Called on the save thread; keep it quick.
 */
public interface CheckpointListener
{
    default void onCommitted(Manifest manifest) {}

    default void onDeleted(List<Long> steps) {}

    /**
     * A save failed; with {@link OnSaveFailure#STOP} the same failure is thrown by the next {@code save},
     * {@code awaitPending} or {@code close}.
     */
    default void onFailed(long step, Throwable failure) {}
}
