package io.cairn.core.checkpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * A request to stop training soon, as a scheduler's {@code SIGTERM} (or a user's Ctrl-C) makes one:
 * the training loop finishes its current batch, takes one last {@link SaveKind#STATE} checkpoint there,
 * waits for the saves in flight and closes its {@link Checkpointer}, which releases the run's lease;
 * a later resume continues exactly from that step.
 *
 * <p>With {@code Trainer.fit}, pass it to the {@link CheckpointCallback}, which stops the loop and takes
 * the save. A loop of your own asks {@link #requested()} after each step:
 *
 * <pre>{@code
 * try (Preemption preemption = Preemption.install(Duration.ofSeconds(30))) {
 *     try (Checkpointer checkpointer = Checkpointer.resumeRun(repository, model, options, Optional.empty())) {
 *         while (training && !preemption.requested()) { ...step... }
 *         if (preemption.requested()) {
 *             checkpointer.save(SaveKind.STATE, state, metrics);
 *         }
 *     } // close waits for the saves and releases the lease
 * }
 * System.exit(preemption.requested() ? preemption.exitCode() : 0);   // 143 for TERM, 130 for INT
 * }</pre>
 *
 * {@link #install} takes over {@code SIGTERM} and {@code SIGINT} (through {@code sun.misc.Signal},
 * module {@code jdk.unsupported}), so the JVM does not start exiting while the save runs: the program's
 * own thread exits once it is done (a JVM shutdown hook could not: {@code System.exit} from a hook
 * deadlocks, and the JVM would not wait for the save). If the loop has not closed this within the
 * grace period after the signal, or a second signal arrives, the process exits at once with the
 * signal's code, leaving the run's lease to expire. {@link #close} gives the signals back.
 */
public final class Preemption
        implements AutoCloseable
{
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(Preemption.class);
    private static final Map<String, Integer> EXIT_CODES = Map.of("TERM", 143, "INT", 130);

    private final Duration grace;
    private final PrintStream err;
    private final AtomicReference<String> signal = new AtomicReference<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile long savedStep = -1;
    private volatile boolean closed;

    private Preemption(Duration grace, PrintStream err)
    {
        this.grace = requireNonNull(grace, "grace is null");
        this.err = requireNonNull(err, "err is null");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("The preemption grace must not be negative, got " + grace);
        }
    }

    /**
     * Handles {@code SIGTERM} and {@code SIGINT} with the {@linkplain #DEFAULT_GRACE default grace}.
     */
    public static Preemption install()
    {
        return install(DEFAULT_GRACE, System.err);
    }

    /**
     * Handles {@code SIGTERM} and {@code SIGINT}: each sets the request; {@code grace} after the first,
     * unless closed by then, the process exits with the signal's code.
     *
     * @param err where the grace's expiry is told
     */
    public static Preemption install(Duration grace, PrintStream err)
    {
        Preemption preemption = new Preemption(grace, err);
        for (String name : EXIT_CODES.keySet()) {
            Signal signal = new Signal(name);
            try {
                preemption.previous.put(signal, Signal.handle(signal, caught -> preemption.signalled(caught.getName())));
            }
            catch (IllegalArgumentException e) {
                // e.g. -Xrs, or a signal the JVM reserves: the JVM's default (exit) stays
                log.warn("Cannot handle SIG{}: {}; it ends the process without a last save", name, e.getMessage());
            }
        }
        return preemption;
    }

    /**
     * A request no signal sets: {@link #request} does, e.g. on a cloud's preemption notice, or in tests.
     */
    public static Preemption manual()
    {
        return new Preemption(Duration.ZERO, System.err);
    }

    /**
     * Asks training to stop after its current batch, as {@code SIG<signal>} would (without the grace's
     * deadline). Later requests keep the first one's signal.
     *
     * @param signal {@code TERM} or {@code INT}
     */
    public void request(String signal)
    {
        if (!EXIT_CODES.containsKey(requireNonNull(signal, "signal is null"))) {
            throw new IllegalArgumentException("Unknown signal " + signal + "; one of " + EXIT_CODES.keySet());
        }
        this.signal.compareAndSet(null, signal);
    }

    public boolean requested()
    {
        return signal.get() != null;
    }

    /**
     * The signal that asked to stop: {@code TERM} or {@code INT}.
     */
    public Optional<String> signal()
    {
        return Optional.ofNullable(signal.get());
    }

    /**
     * The exit code a process stopped by the signal has: 143 for {@code TERM}, 130 for {@code INT}.
     *
     * @throws IllegalStateException if no stop was requested
     */
    public int exitCode()
    {
        return EXIT_CODES.get(signal().orElseThrow(() -> new IllegalStateException("No preemption was requested")));
    }

    /**
     * The step of the last save taken for the request, once taken ({@link CheckpointCallback} records it).
     */
    public OptionalLong savedStep()
    {
        long step = savedStep;
        return step < 0 ? OptionalLong.empty() : OptionalLong.of(step);
    }

    void saved(long step)
    {
        savedStep = step;
    }

    /**
     * The save is done and the lease released (or the request never came): the grace's deadline is off
     * and the signals go back to their previous handlers.
     */
    @Override
    public void close()
    {
        closed = true;
        previous.forEach(Signal::handle);
        previous.clear();
    }

    private void signalled(String name)
    {
        if (!signal.compareAndSet(null, name)) {
            exit("cairn: a second signal (SIG" + name + "): exiting now, without waiting for the last save; the run's lease is left to expire");
            return;
        }
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            }
            catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                exit("cairn: the preemption grace of " + grace.toSeconds() + " s expired before the last save finished: exiting without it; the run's lease is left to expire");
            }
        }, "cairn-preemption-grace");
        deadline.setDaemon(true);
        deadline.start();
    }

    // from the signal or deadline thread, never a shutdown hook: System.exit runs the hooks and does not deadlock
    private void exit(String message)
    {
        err.println(message);
        err.flush();
        System.exit(exitCode());
    }
}
