package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.SaveBudget;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;

import java.time.Duration;
import java.util.Locale;

/**
 * How the text of a Cairn setting parses and the range its value must fall in; each problem names the
 * key as its source spells it, or the builder method.
 */
final class ConfigValues
{
    static final int MAX_UPLOAD_THREADS = 64;
    private static final Duration MIN_LEASE_TTL = Duration.ofSeconds(3);

    private ConfigValues() {}

    interface Parser<T>
    {
        T parse(String name, String text);
    }

    interface Check<T>
    {
        /**
         * @throws IllegalArgumentException naming {@code name} if the value is out of range
         */
        void check(String name, T value);
    }

    static OnSaveFailure onSaveFailure(String name, String text)
    {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "continue" -> OnSaveFailure.CONTINUE;
            case "stop" -> OnSaveFailure.STOP;
            default -> throw new IllegalArgumentException(name + " must be continue or stop, got '" + text + "'");
        };
    }

    static SaveKind saveKind(String name, String text)
    {
        try {
            return SaveKind.parse(text.trim());
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be full, weights or state, got '" + text + "'", e);
        }
    }

    static Long count(String name, String text)
    {
        return (long) SettingValues.wholeNumber(name, text, 1, Integer.MAX_VALUE);
    }

    static Integer intCount(String name, String text)
    {
        return SettingValues.wholeNumber(name, text, 1, Integer.MAX_VALUE);
    }

    static void checkAtLeastOne(String name, Number value)
    {
        if (value.longValue() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /**
     * A save budget: {@code 5%} or {@code 0.05}.
     */
    static Double budget(String name, String text)
    {
        try {
            return SaveBudget.parse(text);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    static void checkBudget(String name, double budget)
    {
        if (!(budget > 0 && budget < 1)) {
            throw new IllegalArgumentException(name + " must be more than 0 and less than 1 (a fraction of training time, 0.05 for 5%), got " + budget);
        }
    }

    static void checkChunkSize(String name, int bytes)
    {
        if (bytes < RepositoryDescriptor.MIN_CHUNK_SIZE || bytes > RepositoryDescriptor.MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException(name + " must be a size from " + SettingValues.describeBytes(RepositoryDescriptor.MIN_CHUNK_SIZE) + " to "
                    + SettingValues.describeBytes(RepositoryDescriptor.MAX_CHUNK_SIZE) + ", got " + bytes);
        }
    }

    static void checkUploadThreads(String name, int threads)
    {
        if (threads < 1 || threads > MAX_UPLOAD_THREADS) {
            throw new IllegalArgumentException(name + " must be from 1 to " + MAX_UPLOAD_THREADS + ", got " + threads);
        }
    }

    static void checkPositive(String name, Duration interval)
    {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + interval);
        }
    }

    static void checkLeaseTtl(String name, Duration ttl)
    {
        if (ttl.compareTo(MIN_LEASE_TTL) < 0) {
            throw new IllegalArgumentException(name + " must be at least 3 seconds, got " + ttl);
        }
    }
}
