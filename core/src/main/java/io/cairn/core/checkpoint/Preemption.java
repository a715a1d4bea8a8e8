package io.cairn.core.checkpoint;

import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Install it first, before the slow start-up (reading configuration, opening the store, loading
 * TensorFlow, building the model): a request made then stops {@code fit} before its first batch, and the
 * last save holds the state training starts from (step 0, or the step a resume starts at, which is
 * stored already). A signal that arrives before {@link #install} still gets the JVM's default: the
 * process exits with 143 or 130 at once and saves nothing. A program that reads its grace only later
 * installs with a default and sets it with {@link #grace(Duration)}; the grace counts from the signal.
 */
public final class Preemption
        implements AutoCloseable
{
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    private static final Map<String, Integer> EXIT_CODES = Map.of("TERM", 143, "INT", 130);

    private final PrintStream err;
    private final AtomicReference<String> signal = new AtomicReference<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    // guards grace and closed for the deadline thread, which waits on it
    private final Object deadline = new Object();
    private Duration grace;
    private boolean closed;
    private volatile long savedStep = -1;

    private Preemption(Duration grace, PrintStream err)
    {
        this.grace = checkGrace(grace);
        this.err = requireNonNull(err, "err is null");
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
                // e.g. -Xrs, or a signal the JVM reserves: the JVM's default (exit) stays. The logger only now: starting
                // the logging costs about 0.1 s, which would be 0.1 s more of start-up without a handler
                LoggerFactory.getLogger(Preemption.class).warn("Cannot handle SIG{}: {}; it ends the process without a last save", name, e.getMessage());
            }
        }
        return preemption;
    }

    /**
     * Sets the grace, still counted from the signal: a signal that came before keeps its time, so the
     * process exits at the signal plus this grace (at once if that has passed). For a program that
     * installs the handlers before it has read its settings.
     */
    public void grace(Duration grace)
    {
        checkGrace(grace);
        synchronized (deadline) {
            this.grace = grace;
            deadline.notifyAll();
        }
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
        synchronized (deadline) {
            closed = true;
            deadline.notifyAll();
        }
        previous.forEach(Signal::handle);
        previous.clear();
    }

    private void signalled(String name)
    {
        long signalled = System.nanoTime();
        if (!signal.compareAndSet(null, name)) {
            exit("cairn: a second signal (SIG" + name + "): exiting now, without waiting for the last save; the run's lease is left to expire");
            return;
        }
        err.println("cairn: SIG" + name + ": stopping at the current step with a last save (a second signal exits at once, without it)");
        err.flush();
        Thread thread = new Thread(() -> awaitDeadline(signalled), "cairn-preemption-grace");
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitDeadline(long signalled)
    {
        Duration expired;
        synchronized (deadline) {
            while (true) {
                if (closed) {
                    return;
                }
                long left = signalled + grace.toNanos() - System.nanoTime();
                if (left <= 0) {
                    expired = grace;
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(deadline, left);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
        exit("cairn: the preemption grace of " + seconds(expired) + " expired before the last save finished: exiting without it; the run's lease is left to expire");
    }

    private static Duration checkGrace(Duration grace)
    {
        requireNonNull(grace, "grace is null");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("The preemption grace must not be negative, got " + grace);
        }
        return grace;
    }

    private static String seconds(Duration grace)
    {
        return grace.toMillis() % 1000 == 0 ? grace.toSeconds() + " s" : grace.toMillis() / 1000.0 + " s";
    }

    // from the signal or deadline thread, never a shutdown hook: System.exit runs the hooks and does not deadlock
    private void exit(String message)
    {
        err.println(message);
        err.flush();
        System.exit(exitCode());
    }
}
