package io.cairn.core.store;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses setting values: whole numbers, sizes, booleans and durations. Every error names the setting
 * as the caller words it (e.g. {@code "S3 setting part-size (from the URI)"} or {@code "--save-every"}),
 * says what is allowed, and quotes the bad value. {@link StoreSettings} reads store settings with
 * these.
 */
public final class SettingValues
{
    private SettingValues() {}

    public static int wholeNumber(String name, String value, int min, int max)
    {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '" + value + "'");
        }
    }

    /**
     * Bytes, optionally with a binary suffix: {@code 65536}, {@code 64KiB}, {@code 64K}, {@code 8MiB}, {@code 1GiB}.
     *
     * @param name the setting as the user knows it, e.g. {@code --chunk-size}
     */
    public static long bytes(String name, String value, long min, long max)
    {
        String text = value.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long multiplier = 1;
        if (text.endsWith("K")) {
            multiplier = 1L << 10;
        }
        else if (text.endsWith("M")) {
            multiplier = 1L << 20;
        }
        else if (text.endsWith("G")) {
            multiplier = 1L << 30;
        }
        if (multiplier > 1) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(text.trim()), multiplier);
            if (bytes < min || bytes > max) {
                throw new NumberFormatException();
            }
            return bytes;
        }
        catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be a size from " + describeBytes(min) + " to " + describeBytes(max) + " (e.g. "
                    + describeBytes(Math.max(min, Math.min(max, 8L << 20))) + "), got '" + value + "'");
        }
    }

    public static boolean bool(String name, String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    /**
     * A positive duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT90S}.
     */
    public static Duration duration(String name, String value)
    {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration duration;
            if (text.startsWith("p")) {
                duration = Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            else if (text.endsWith("ms")) {
                duration = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            else {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                duration = switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new NumberFormatException();
                };
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new NumberFormatException();
            }
            return duration;
        }
        catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(name + " must be a positive duration such as 30s, 5m, 1h or PT90S, got '" + value + "'");
        }
    }

    /**
     * {@code 8MiB}, {@code 64KiB}, {@code 1000 bytes}: the largest binary unit that divides the size.
     */
    public static String describeBytes(long bytes)
    {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + " bytes";
    }
}
