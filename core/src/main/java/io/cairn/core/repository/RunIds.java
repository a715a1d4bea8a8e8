package io.cairn.core.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids sort by creation time, to the millisecond, so the newest run is the last id:
 * {@code 20261129T031500123Z-1a2b3c}.
 */
public final class RunIds
{
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private RunIds() {}

    public static String newRunId(Instant now)
    {
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(random);
    }
}
