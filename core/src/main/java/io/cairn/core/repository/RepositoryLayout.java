package io.cairn.core.repository;

import io.cairn.core.store.StoreKeys;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things live in a repository (docs/architecture.md, "Repository layout on any store"):
 * <pre>
 * cairn-repository.json
 * chunks/&lt;2 hex&gt;/&lt;sha256&gt;
 * runs/&lt;run-id&gt;/checkpoints/&lt;step, 20 digits&gt;.json
 * runs/&lt;run-id&gt;/lease/&lt;generation, 20 digits&gt;
 * quarantine/&lt;run-id&gt;/&lt;step, 20 digits&gt;-&lt;UTC time, yyyyMMdd'T'HHmmssSSS'Z'&gt;.json
 * </pre>
 * A damaged manifest is moved under {@code quarantine/} before its step is committed again: kept for
 * inspection, never listed as a checkpoint.
 * The lease is a folder of numbered generations, not a single blob, so that a takeover is a
 * create-if-absent (docs/architecture.md says why).
 * Every name read back from the store is parsed and checked here before use.
 */
public final class RepositoryLayout
{
    public static final String DESCRIPTOR = "cairn-repository.json";
    public static final String CHUNKS = "chunks/";
    public static final String RUNS = "runs/";
    public static final String QUARANTINE = "quarantine/";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MANIFEST_NAME = Pattern.compile("(\\d{20})\\.json");
    private static final Pattern QUARANTINED_NAME = Pattern.compile("(\\d{20})-\\d{8}T\\d{9}Z\\.json");
    private static final DateTimeFormatter QUARANTINE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private RepositoryLayout() {}

    public static String chunkKey(String sha256)
    {
        checkHash(sha256, "Chunk hash");
        return CHUNKS + sha256.substring(0, 2) + "/" + sha256;
    }

    /**
     * The chunk hash of a key under {@code chunks/}, if the key is a well-formed chunk key.
     */
    public static Optional<String> chunkHash(String key)
    {
        if (!key.startsWith(CHUNKS)) {
            return Optional.empty();
        }
        String[] parts = key.substring(CHUNKS.length()).split("/", -1);
        if (parts.length != 2 || !SHA256.matcher(parts[1]).matches() || !parts[0].equals(parts[1].substring(0, 2))) {
            return Optional.empty();
        }
        return Optional.of(parts[1]);
    }

    public static String runPrefix(String run)
    {
        return RUNS + checkRunId(run) + "/";
    }

    public static String checkpointsPrefix(String run)
    {
        return runPrefix(run) + "checkpoints/";
    }

    public static String manifestKey(String run, long step)
    {
        if (step < 0) {
            throw new IllegalArgumentException("Step must not be negative, got " + step);
        }
        return StoreKeys.check(checkpointsPrefix(run) + String.format("%020d", step) + ".json");
    }

    public static String quarantinePrefix(String run)
    {
        return QUARANTINE + checkRunId(run) + "/";
    }

    /**
     * Where a damaged manifest of the run's step goes when it is moved aside at {@code time}.
     */
    public static String quarantineKey(String run, long step, Instant time)
    {
        if (step < 0) {
            throw new IllegalArgumentException("Step must not be negative, got " + step);
        }
        return StoreKeys.check(quarantinePrefix(run) + String.format("%020d", step) + "-" + QUARANTINE_TIME.format(time) + ".json");
    }

    /**
     * The step of a quarantined manifest's key of the run, if the key is well-formed.
     */
    public static Optional<Long> quarantinedStep(String run, String key)
    {
        return stepOf(quarantinePrefix(run), QUARANTINED_NAME, key);
    }

    public static String leaseKey(String run)
    {
        return runPrefix(run) + "lease";
    }

    /**
     * The run id of a key under {@code runs/}, if well-formed.
     */
    public static Optional<String> runOf(String key)
    {
        if (!key.startsWith(RUNS)) {
            return Optional.empty();
        }
        int end = key.indexOf('/', RUNS.length());
        if (end < 0) {
            return Optional.empty();
        }
        String run = key.substring(RUNS.length(), end);
        return RUN_ID.matcher(run).matches() ? Optional.of(run) : Optional.empty();
    }

    /**
     * The step of a manifest key of the run, if the key is a well-formed manifest key.
     */
    public static Optional<Long> manifestStep(String run, String key)
    {
        return stepOf(checkpointsPrefix(run), MANIFEST_NAME, key);
    }

    /**
     * The step a key's name holds (its pattern's first group) under the prefix, if the name matches.
     */
    private static Optional<Long> stepOf(String prefix, Pattern name, String key)
    {
        if (!key.startsWith(prefix)) {
            return Optional.empty();
        }
        Matcher matcher = name.matcher(key.substring(prefix.length()));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(matcher.group(1)));
        }
        catch (NumberFormatException e) {
            // twenty digits past Long.MAX_VALUE: not a key this code wrote
            return Optional.empty();
        }
    }

    public static String checkRunId(String run)
    {
        if (run == null || !RUN_ID.matcher(run).matches()) {
            throw new IllegalArgumentException("Run id must be 1-128 letters, digits, '.', '_' or '-' (not starting with a symbol), got '" + run + "'");
        }
        return run;
    }

    public static String checkHash(String hash, String what)
    {
        if (hash == null || !SHA256.matcher(hash).matches()) {
            throw new IllegalArgumentException(what + " must be 64 lower-case hex digits, got '" + hash + "'");
        }
        return hash;
    }

    public static String hex(byte[] digest)
    {
        return HexFormat.of().formatHex(digest);
    }
}
