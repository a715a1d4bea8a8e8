package io.cairn.core.internal;

import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IllegalFormatException;
import java.util.OptionalInt;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Thread factories for Cairn's background pools, the CPU clock that measures them, and the OS priority
 * they run at. Not API: exported only to Cairn's own modules.
 */
public final class Threads
{
    /**
     * How much nicer than the rest of the process a background thread runs, on Linux: at +10 the
     * scheduler gives it about a tenth of a CPU that training also wants, and all of an idle one.
     */
    public static final int BACKGROUND_NICENESS_INCREMENT = 10;

    private static final Logger log = LoggerFactory.getLogger(Threads.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int MAX_NICENESS = 19;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final ThreadLocal<Boolean> IN_BACKGROUND = ThreadLocal.withInitial(() -> false);

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
        return daemonThreadsNamed(nameFormat, false);
    }

    /**
     * Like {@link #daemonThreadsNamed(String)}; with {@code background}, each thread first lowers its
     * OS priority ({@link #runInBackground()}).
     */
    public static ThreadFactory daemonThreadsNamed(String nameFormat, boolean background)
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
            Runnable body = background ? () -> {
                runInBackground();
                runnable.run();
            } : runnable;
            Thread thread = new Thread(body, String.format(nameFormat, count.incrementAndGet()));
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Lowers the calling thread's OS priority, once per thread: on Linux its niceness goes up by
     * {@link #BACKGROUND_NICENESS_INCREMENT} (at most to 19), so that the work it does yields the CPU to
     * training. Java's thread priorities are ignored on Linux, so this calls {@code setpriority(2)} on the
     * thread's id. Fails soft, with a debug log, where the OS has no such thing or does not allow it.
     *
     * @return whether the thread now runs at a background priority
     */
    public static boolean runInBackground()
    {
        if (IN_BACKGROUND.get()) {
            return true;
        }
        boolean lowered = lowerNiceness();
        IN_BACKGROUND.set(lowered);
        return lowered;
    }

    /**
     * The calling thread's Linux niceness, from {@code /proc/thread-self/stat}; empty where there is none.
     */
    public static OptionalInt currentThreadNiceness()
    {
        try {
            String stat = Files.readString(THREAD_SELF.resolve("stat"), StandardCharsets.US_ASCII);
            // the name in parentheses may hold spaces; the fields after it start at the state (field 3)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(fields[19 - 3]));
        }
        catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    private static boolean lowerNiceness()
    {
        OptionalInt niceness = currentThreadNiceness();
        if (niceness.isEmpty()) {
            log.debug("Thread {} keeps its priority: no /proc/thread-self/stat here", Thread.currentThread().getName());
            return false;
        }
        int target = Math.min(MAX_NICENESS, niceness.getAsInt() + BACKGROUND_NICENESS_INCREMENT);
        try {
            // /proc/thread-self links to <pid>/task/<tid>
            int tid = Integer.parseInt(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
            if (LibC.setpriority(LibC.PRIO_PROCESS, tid, target) != 0) {
                log.debug("Thread {} keeps its priority: setpriority to {} failed with errno {}", Thread.currentThread().getName(), target, Native.getLastError());
                return false;
            }
            return true;
        }
        catch (IOException | RuntimeException | LinkageError e) {
            log.debug("Thread {} keeps its priority: {}", Thread.currentThread().getName(), e.toString());
            return false;
        }
    }

    /**
     * The C library's {@code setpriority}, bound through JNA's direct mapping on first use. With
     * {@code PRIO_PROCESS} and a thread id, Linux sets that thread's niceness alone.
     */
    private static final class LibC
    {
        static final int PRIO_PROCESS = 0;

        static {
            Native.register(LibC.class, "c");
        }

        private LibC() {}

        static native int setpriority(int which, int who, int prio);
    }
}
