package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointListener;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.store.StoreErrors;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Tells on stderr, once per distinct cause, that a background save failed: its step, the store, the
 * cause and what training does next. A store that stays down fails every save the same way; one line
 * says so, and {@code train --json} counts them all ({@code failedSaves}).
 */
final class SaveFailureReport
        implements CheckpointListener
{
    private final PrintStream err;
    private final String store;
    private final OnSaveFailure onSaveFailure;
    private final Set<String> told = ConcurrentHashMap.newKeySet();

    SaveFailureReport(PrintStream err, String store, OnSaveFailure onSaveFailure)
    {
        this.err = requireNonNull(err, "err is null");
        this.store = requireNonNull(store, "store is null");
        this.onSaveFailure = requireNonNull(onSaveFailure, "onSaveFailure is null");
    }

    @Override
    public void onFailed(long step, Throwable failure)
    {
        List<Throwable> causes = StoreErrors.causes(failure);
        Throwable cause = causes.get(causes.size() - 1);
        if (!told.add(cause.getClass().getName() + ": " + cause.getMessage())) {
            return;
        }
        String next = onSaveFailure == OnSaveFailure.CONTINUE
                ? "training continues and the next save retries (--on-save-failure continue); later failures with this cause are only counted"
                : "training stops (--on-save-failure stop)";
        err.println();
        err.println("WARN: the save of step " + step + " to " + store + " failed: " + failure.getMessage() + "; " + next);
        err.flush();
    }
}
