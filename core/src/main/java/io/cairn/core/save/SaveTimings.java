package io.cairn.core.save;

import io.cairn.core.checkpoint.CommittedSave;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a run's saves cost the training thread, and which steps they committed.
 */
public final class SaveTimings
{
    private final List<CommittedSave> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> stallMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> snapshotMillis = Collections.synchronizedList(new ArrayList<>());

    public void committed(CommittedSave save)
    {
        committed.add(save);
    }

    public void stalled(long startedNanos)
    {
        stallMillis.add((System.nanoTime() - startedNanos) / 1e6);
    }

    public void snapshotTook(long startedNanos)
    {
        snapshotMillis.add((System.nanoTime() - startedNanos) / 1e6);
    }

    public List<CommittedSave> committed()
    {
        return copy(committed);
    }

    public List<Double> stallMillis()
    {
        return copy(stallMillis);
    }

    public List<Double> snapshotMillis()
    {
        return copy(snapshotMillis);
    }

    private static <T> List<T> copy(List<T> list)
    {
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
