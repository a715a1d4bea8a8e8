package io.cairn.trainer;

/**
 * The command line was given something it cannot use: a bad flag value, a store URI or store option
 * its provider rejects, a run or step that is not there, data or a checkpoint that does not fit the
 * flags. Exits 2 with the message, which says what to change. Thrown only where the command line
 * interprets what the user gave it, so a failure while doing the work (a chunk missing from the store,
 * an unreachable server) keeps exit 1.
 */
final class UsageException
        extends RuntimeException
{
    UsageException(String message)
    {
        super(message);
    }

    UsageException(String message, Throwable cause)
    {
        super(message, cause);
    }

    /**
     * Fails naming the flag unless {@code value} is at least 1.
     */
    static void checkAtLeastOne(String flag, long value)
    {
        if (value < 1) {
            throw new UsageException(flag + " must be at least 1, got " + value);
        }
    }

    /**
     * Fails naming the flag unless {@code value} is between {@code min} and {@code max}, inclusive.
     */
    static void checkBetween(String flag, long value, long min, long max)
    {
        if (value < min || value > max) {
            throw new UsageException(flag + " must be between " + min + " and " + max + ", got " + value);
        }
    }
}
