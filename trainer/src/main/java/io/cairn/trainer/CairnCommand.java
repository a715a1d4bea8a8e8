package io.cairn.trainer;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import io.cairn.core.checkpoint.ModelMismatchException;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.data.MalformedDataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * {@code cairn}: train TensorFlow models from Java and checkpoint them. Exit codes: 0 ok, 1 the
 * operation failed (e.g. damage found), 2 bad usage or input, 3 {@code verify} could not read the store
 * ({@link StoreUnavailableException}: no verdict, not damage), 143 or 130 {@code train} stopped by
 * {@code SIGTERM} or {@code SIGINT} ({@link TrainCommand}). With {@code --json} one JSON document
 * goes to stdout; everything for people (tables, progress, logs) goes to stderr.
 *
 * <p>Exit 2 is decided by type, never by a message: picocli's {@link CommandLine.ParameterException}
 * (including a flag value a {@link Converters converter} rejects), the trainer's
 * {@link UsageException} (thrown where the command line interprets what it was given, wrapping core's
 * {@link IllegalArgumentException} where core documents it for input), and core's input exceptions
 * {@link MalformedDataException} and {@link ModelMismatchException}. Everything else exits 1. A
 * failure prints one line, with core's API names turned into flags ({@link FlagNames}) and
 * {@code --store-option} secrets redacted ({@link StoreOptions#redact}).
 */
@Command(
        name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = CairnCommand.Version.class,
        description = "Train TensorFlow models from Java and checkpoint them to local disk, S3 or HDFS.",
        subcommands = {
                TrainCommand.class,
                LsCommand.class,
                RunsCommand.class,
                InspectCommand.class,
                VerifyCommand.class,
                ExportCommand.class,
                GcCommand.class,
                BenchCommand.class,
        })
public final class CairnCommand
        implements Runnable
{
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNAVAILABLE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of train, ls, runs, inspect, verify, export, gc, bench");
    }

    /**
     * Runs the command line with the given streams and returns the exit code. Used by {@link Main} and
     * by tests.
     */
    public static int execute(String[] args, PrintStream out, PrintStream err)
    {
        // before picocli reads the commands (most of the start-up before the training command runs): a signal
        // from here on stops cairn train with a last save; the command sets the grace once it has read it
        Optional<Preemption> preemption = TrainCommand.savesCheckpoints(args) ? Optional.of(Preemption.install(Preemption.DEFAULT_GRACE, err)) : Optional.empty();
        try {
            return execute(args, out, err, preemption);
        }
        finally {
            preemption.ifPresent(Preemption::close);
        }
    }

    private static int execute(String[] args, PrintStream out, PrintStream err, Optional<Preemption> preemption)
    {
        Console console = new Console(out, err);
        CommandLine commandLine = new CommandLine(new CairnCommand(), new CommandFactory(console, preemption));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            String command = exception.getCommandLine().getCommandName();
            String help = command.equals("cairn") ? "cairn --help" : "cairn " + command + " --help";
            // a converter's message names its flag already
            String message = exception.getCause() instanceof Converters.InvalidValue invalid ? invalid.getMessage() : exception.getMessage();
            err.println(prefix(exception.getCommandLine()) + printable(message, args) + " (see '" + help + "')");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> {
            Throwable cause = unwrap(exception);
            int code = exitCode(cause);
            err.println(prefix(command) + printable(message(cause), args));
            if (code == FAILED && System.getenv("CAIRN_DEBUG") != null) {
                cause.printStackTrace(err);
            }
            return code;
        });
        return commandLine.execute(args);
    }

    static int exitCode(Throwable cause)
    {
        if (cause instanceof UsageException || cause instanceof CommandLine.ParameterException
                || cause instanceof MalformedDataException || cause instanceof ModelMismatchException) {
            return USAGE;
        }
        if (cause instanceof StoreUnavailableException) {
            return UNAVAILABLE;
        }
        return FAILED;
    }

    /**
     * The one line printed for a failure: on one line, in flag names, without secrets.
     */
    static String printable(String message, String[] args)
    {
        return StoreOptions.redact(FlagNames.translate(oneLine(message)), args);
    }

    private static Throwable unwrap(Throwable exception)
    {
        Throwable cause = exception;
        while (true) {
            if (cause instanceof CreationException creation && !creation.getErrorMessages().isEmpty()) {
                Message first = creation.getErrorMessages().iterator().next();
                if (first.getCause() == null) {
                    // a module reporting bad configuration with binder.addError
                    return new UsageException(first.getMessage());
                }
                cause = first.getCause();
            }
            else if (cause instanceof ProvisionException provision && provision.getCause() != null) {
                cause = provision.getCause();
            }
            else if (cause instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
                cause = unchecked.getCause();
            }
            else {
                return cause;
            }
        }
    }

    private static String message(Throwable cause)
    {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        if (cause instanceof NoSuchFileException || cause instanceof AccessDeniedException) {
            return cause.getClass().getSimpleName() + ": " + message;
        }
        return message;
    }

    private static String prefix(CommandLine command)
    {
        String name = command.getCommandName();
        return name.equals("cairn") ? "cairn: " : "cairn " + name + ": ";
    }

    private static String oneLine(String message)
    {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    static final class Version
            implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            String version = CairnCommand.class.getPackage().getImplementationVersion();
            return new String[] {"cairn " + (version == null ? "development build" : version)};
        }
    }

    /**
     * Gives every command the streams it must print to, and {@code train} the signal handling taken over
     * for it.
     */
    private record CommandFactory(Console console, Optional<Preemption> preemption)
            implements CommandLine.IFactory
    {
        @Override
        public <K> K create(Class<K> type)
                throws Exception
        {
            if (type == TrainCommand.class) {
                return type.cast(new TrainCommand(console, preemption));
            }
            try {
                return type.getDeclaredConstructor(Console.class).newInstance(console);
            }
            catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
