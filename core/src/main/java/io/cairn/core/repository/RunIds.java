package io.cairn.core.repository;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Run ids sort by creation time, to the millisecond, so the newest run is the last id:
 * {@code 20261129T031500123Z-1a2b3c}.
 */
public final class RunIds
{
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private static final Pattern RUN_ID_TIME = Pattern.compile("(\\d{8}T\\d{9}Z)(-.*)?");

    private RunIds() {}

    /**
     * When a run whose id Cairn made started, from its id.
     */
    public static Optional<Instant> startedAt(String run)
    {
        Matcher matcher = RUN_ID_TIME.matcher(run);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(FORMAT.parse(matcher.group(1))));
        }
        catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static String newRunId(Instant now)
    {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(random);
    }
}
