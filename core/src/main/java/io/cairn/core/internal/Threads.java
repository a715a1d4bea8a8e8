package io.cairn.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.IllegalFormatException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Thread factories for Cairn's background pools, and the CPU clock that measures them. Not API: exported only to Cairn's own modules.
 */
public final class Threads
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Threads() {}

    /**
     * CPU time the calling thread has used, in nanoseconds, or 0 where the JVM does not measure it.
     */
    public static long currentThreadCpuNanos()
    {
        return THREADS.isCurrentThreadCpuTimeSupported() ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
    }

    /**
     * A factory of daemon threads, so that a pool nobody closed never keeps the JVM alive. The name
     * format may hold one {@code %d}, replaced by 1, 2, ... in the order the threads are made
     * ({@code "cairn-transfer-%d"}); without one every thread gets the same name ({@code "cairn-save"}).
     */
    public static ThreadFactory daemonThreadsNamed(String nameFormat)
    {
        requireNonNull(nameFormat, "nameFormat is null");
        try {
            String.format(nameFormat, 0L);
        }
        catch (IllegalFormatException e) {
            throw new IllegalArgumentException("Thread name format must hold at most one %d: " + nameFormat, e);
        }
        AtomicLong count = new AtomicLong();
        return runnable -> {
            Thread thread = new Thread(runnable, String.format(nameFormat, count.incrementAndGet()));
            thread.setDaemon(true);
            return thread;
        };
    }
}
