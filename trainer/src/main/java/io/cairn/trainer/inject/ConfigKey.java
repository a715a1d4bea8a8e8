package io.cairn.trainer.inject;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Cairn's keys, as a file names them ({@code cairn.keep-last}) and as the environment does
 * ({@code CAIRN_KEEP_LAST}).
 */
enum ConfigKey
{
    STORE("store"),
    CHUNK_SIZE("chunk-size"),
    UPLOAD_THREADS("upload-threads"),
    OPEN_EXISTING("open-existing"),
    SAVE_KIND("save-kind"),
    SAVE_EVERY_STEPS("save-every-steps"),
    SAVE_EVERY("save-every"),
    SAVE_EVERY_EPOCHS("save-every-epochs"),
    SAVE_BEST("save-best"),
    SAVE_BUDGET("save-budget"),
    SAVE_ON_FINISH("save-on-finish"),
    KEEP_LAST("keep-last"),
    KEEP_EVERY_STEPS("keep-every-steps"),
    KEEP_EVERY("keep-every"),
    KEEP_BEST("keep-best"),
    SYNC("sync"),
    ON_SAVE_FAILURE("on-save-failure"),
    MAX_IN_FLIGHT("max-in-flight"),
    MAX_SNAPSHOT_BYTES("max-snapshot-bytes"),
    LEASE_TTL("lease-ttl");

    static final String PREFIX = "cairn.";
    static final String STORE_OPTION_PREFIX = PREFIX + "store-option.";

    private final String suffix;

    ConfigKey(String suffix)
    {
        this.suffix = suffix;
    }

    String propertyName()
    {
        return PREFIX + suffix;
    }

    String environmentName()
    {
        return "CAIRN_" + suffix.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static String known()
    {
        return Arrays.stream(values()).map(ConfigKey::propertyName).collect(Collectors.joining(", ")) + ", " + STORE_OPTION_PREFIX + "<key>";
    }
}
