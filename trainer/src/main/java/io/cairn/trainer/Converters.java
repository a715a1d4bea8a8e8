package io.cairn.trainer;

import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.SaveBudget;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.function.Function;

/**
 * picocli converters from flag text to typed values. Each error names its flag, and
 * {@link CairnCommand} prints it as it is. This is the one place the trainer calls core's parsers for
 * sizes and durations.
 */
final class Converters
{
    private Converters() {}

    /**
     * {@code --chunk-size 4MiB}: bytes, from core's smallest chunk size to its largest.
     */
    static final class ChunkSize
            implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(String value)
        {
            return parse("--chunk-size", value,
                    text -> (int) SettingValues.bytes("--chunk-size", text, RepositoryDescriptor.MIN_CHUNK_SIZE, RepositoryDescriptor.MAX_CHUNK_SIZE));
        }
    }

    /**
     * {@code --save-every 5m}: a positive duration.
     */
    static final class SaveEvery
            implements ITypeConverter<Duration>
    {
        @Override
        public Duration convert(String value)
        {
            return parse("--save-every", value, text -> SettingValues.duration("--save-every", text));
        }
    }

    /**
     * {@code --preempt-grace 30s}: a positive duration.
     */
    static final class PreemptGrace
            implements ITypeConverter<Duration>
    {
        @Override
        public Duration convert(String value)
        {
            return parse("--preempt-grace", value, text -> SettingValues.duration("--preempt-grace", text));
        }
    }

    /**
     * {@code --on-save-failure continue|stop}.
     */
    static final class OnSaveFailure
            implements ITypeConverter<io.cairn.core.checkpoint.OnSaveFailure>
    {
        @Override
        public io.cairn.core.checkpoint.OnSaveFailure convert(String value)
        {
            return parse("--on-save-failure", value, text -> switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "continue" -> io.cairn.core.checkpoint.OnSaveFailure.CONTINUE;
                case "stop" -> io.cairn.core.checkpoint.OnSaveFailure.STOP;
                default -> throw new IllegalArgumentException("expected continue or stop, got '" + text + "'");
            });
        }
    }

    /**
     * {@code --keep-every 1h}: a positive duration.
     */
    static final class KeepEvery
            implements ITypeConverter<Duration>
    {
        @Override
        public Duration convert(String value)
        {
            return parse("--keep-every", value, text -> SettingValues.duration("--keep-every", text));
        }
    }

    /**
     * {@code --save-budget 5%}: a percentage or a fraction ({@code 0.05}) of training time, more than
     * 0 and less than 100%.
     */
    static final class Budget
            implements ITypeConverter<Double>
    {
        @Override
        public Double convert(String value)
        {
            return parse("--save-budget", value, SaveBudget::parse);
        }
    }

    /**
     * {@code --mode full|weights|state}.
     */
    static final class Mode
            implements ITypeConverter<SaveKind>
    {
        @Override
        public SaveKind convert(String value)
        {
            return parse("--mode", value, SaveKind::parse);
        }
    }

    /**
     * {@code --save-best METRIC[:min|max]}.
     */
    static final class SaveBest
            implements ITypeConverter<MonitorSpec>
    {
        @Override
        public MonitorSpec convert(String value)
        {
            return parse("--save-best", value, MonitorSpec::parse);
        }
    }

    /**
     * {@code --model mlp:A,...,Z}.
     */
    static final class Model
            implements ITypeConverter<ModelSpec>
    {
        @Override
        public ModelSpec convert(String value)
        {
            return parse("--model", value, ModelSpec::parse);
        }
    }

    /**
     * {@code --init-from latest|RUN|RUN@STEP}.
     */
    static final class InitFrom
            implements ITypeConverter<InitFromSpec>
    {
        @Override
        public InitFromSpec convert(String value)
        {
            return parse("--init-from", value, InitFromSpec::parse);
        }
    }

    /**
     * {@code --data random:N|csv:PATH}.
     */
    static final class Data
            implements ITypeConverter<DataSpec>
    {
        @Override
        public DataSpec convert(String value)
        {
            return parse("--data", value, DataSpec::parse);
        }
    }

    /**
     * A flag value that does not parse. The message names the flag, so it is printed without picocli's
     * "Invalid value for option" prefix.
     */
    static final class InvalidValue
            extends TypeConversionException
    {
        InvalidValue(String message)
        {
            super(message);
        }
    }

    private static <T> T parse(String flag, String value, Function<String, T> parser)
    {
        try {
            return parser.apply(value);
        }
        catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new InvalidValue(message.contains(flag) ? message : flag + " " + value + ": " + message);
        }
    }
}
