package io.cairn.core.save;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a run's saves cost the training thread, and which steps they committed.
 */
public final class SaveTimings
{
    private final List<Long> committed = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> stallMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> snapshotMillis = Collections.synchronizedList(new ArrayList<>());

    public void committed(long step)
    {
        committed.add(step);
    }

    public void stalled(long startedNanos)
    {
        stallMillis.add((System.nanoTime() - startedNanos) / 1e6);
    }

    public void snapshotTook(long startedNanos)
    {
        snapshotMillis.add((System.nanoTime() - startedNanos) / 1e6);
    }

    public List<Long> committedSteps()
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
