package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;
import io.cairn.trainer.inject.CairnConfig.Monitor;
import io.cairn.trainer.inject.ConfigValues.Check;
import io.cairn.trainer.inject.ConfigValues.Parser;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cairn.trainer.inject.ConfigKey.STORE_OPTION_PREFIX;

/**
 * Resolves each setting and collects every problem of every source: a value that is overridden is
 * still checked, so a broken file or variable never goes unnoticed.
 */
final class ConfigResolution
{
    /**
     * The values of one source, by the names it uses, and how messages name the source.
     */
    record Source(String description, Map<String, String> values) {}

    private final CairnConfigBuilder builder;
    final List<String> problems = new ArrayList<>();

    final String storeUri;
    final Map<String, String> storeOptions;
    final int chunkSize;
    final int uploadThreads;
    final boolean openExisting;
    final SaveKind saveKind;
    final Long saveEverySteps;
    final Duration saveEvery;
    final Integer saveEveryEpochs;
    final Monitor saveBest;
    final Double saveBudget;
    final boolean saveOnFinish;
    final Integer keepLast;
    final Long keepEverySteps;
    final Duration keepEvery;
    final Integer keepBest;
    final boolean sync;
    final OnSaveFailure onSaveFailure;
    final int maxInFlight;
    final long maxSnapshotBytes;
    final Duration leaseTtl;

    ConfigResolution(CairnConfigBuilder builder)
    {
        this.builder = builder;
        CheckpointerOptions defaults = CheckpointerOptions.defaults();
        checkFileKeys();
        this.storeUri = value(ConfigKey.STORE, "storeUri", builder.storeUri, (name, text) -> text.trim(), (name, value) -> {});
        this.storeOptions = storeOptions();
        this.chunkSize = value(ConfigKey.CHUNK_SIZE, "chunkSize", builder.chunkSize,
                (name, text) -> (int) SettingValues.bytes(name, text, RepositoryDescriptor.MIN_CHUNK_SIZE, RepositoryDescriptor.MAX_CHUNK_SIZE),
                ConfigValues::checkChunkSize, RepositoryDescriptor.DEFAULT_CHUNK_SIZE);
        this.uploadThreads = value(ConfigKey.UPLOAD_THREADS, "uploadThreads", builder.uploadThreads,
                (name, text) -> SettingValues.wholeNumber(name, text, 1, ConfigValues.MAX_UPLOAD_THREADS), ConfigValues::checkUploadThreads, CheckpointRepository.DEFAULT_TRANSFER_THREADS);
        this.openExisting = value(ConfigKey.OPEN_EXISTING, "openExisting", builder.openExisting, SettingValues::bool, (name, value) -> {}, false);
        this.saveKind = value(ConfigKey.SAVE_KIND, "saveKind", builder.saveKind, ConfigValues::saveKind, (name, value) -> {}, SaveKind.FULL);
        this.saveEverySteps = value(ConfigKey.SAVE_EVERY_STEPS, "saveEverySteps", builder.saveEverySteps, ConfigValues::count, ConfigValues::checkAtLeastOne);
        this.saveEvery = value(ConfigKey.SAVE_EVERY, "saveEvery", builder.saveEvery, SettingValues::duration, ConfigValues::checkPositive);
        this.saveEveryEpochs = value(ConfigKey.SAVE_EVERY_EPOCHS, "saveEveryEpochs", builder.saveEveryEpochs, ConfigValues::intCount, ConfigValues::checkAtLeastOne);
        this.saveBest = value(ConfigKey.SAVE_BEST, "saveBest", builder.saveBest, Monitor::parse, (name, value) -> {});
        this.saveBudget = value(ConfigKey.SAVE_BUDGET, "saveBudget", builder.saveBudget, ConfigValues::budget, ConfigValues::checkBudget);
        this.saveOnFinish = value(ConfigKey.SAVE_ON_FINISH, "saveOnFinish", builder.saveOnFinish, SettingValues::bool, (name, value) -> {}, false);
        this.keepLast = value(ConfigKey.KEEP_LAST, "keepLast", builder.keepLast, ConfigValues::intCount, ConfigValues::checkAtLeastOne);
        this.keepEverySteps = value(ConfigKey.KEEP_EVERY_STEPS, "keepEverySteps", builder.keepEverySteps, ConfigValues::count, ConfigValues::checkAtLeastOne);
        this.keepEvery = value(ConfigKey.KEEP_EVERY, "keepEvery", builder.keepEvery, SettingValues::duration, ConfigValues::checkPositive);
        this.keepBest = value(ConfigKey.KEEP_BEST, "keepBest", builder.keepBest, ConfigValues::intCount, ConfigValues::checkAtLeastOne);
        this.sync = value(ConfigKey.SYNC, "sync", builder.sync, SettingValues::bool, (name, value) -> {}, false);
        this.onSaveFailure = value(ConfigKey.ON_SAVE_FAILURE, "onSaveFailure", builder.onSaveFailure, ConfigValues::onSaveFailure, (name, value) -> {},
                OnSaveFailure.CONTINUE);
        this.maxInFlight = value(ConfigKey.MAX_IN_FLIGHT, "maxInFlight", builder.maxInFlight, ConfigValues::intCount, ConfigValues::checkAtLeastOne, defaults.maxInFlight());
        this.maxSnapshotBytes = value(ConfigKey.MAX_SNAPSHOT_BYTES, "maxSnapshotBytes", builder.maxSnapshotBytes,
                (name, text) -> SettingValues.bytes(name, text, 1, Long.MAX_VALUE), ConfigValues::checkAtLeastOne, defaults.maxSnapshotBytes());
        this.leaseTtl = value(ConfigKey.LEASE_TTL, "leaseTtl", builder.leaseTtl,
                (name, text) -> {
                    Duration ttl = SettingValues.duration(name, text);
                    ConfigValues.checkLeaseTtl(name, ttl);
                    return ttl;
                },
                ConfigValues::checkLeaseTtl, defaults.leaseTtl());
        if (storeUri == null) {
            problems.add(0, "the store is not set; give it with storeUri(...), " + ConfigKey.STORE.environmentName() + " or " + ConfigKey.STORE.propertyName());
        }
    }

    private void checkFileKeys()
    {
        if (builder.file == null) {
            return;
        }
        boolean unknown = false;
        for (String key : builder.file.values().keySet()) {
            boolean known = Arrays.stream(ConfigKey.values()).anyMatch(candidate -> candidate.propertyName().equals(key))
                    || key.startsWith(STORE_OPTION_PREFIX);
            if (!known) {
                problems.add(key + " (" + builder.file.description() + ") is not a Cairn key");
                unknown = true;
            }
            else if (key.equals(STORE_OPTION_PREFIX)) {
                problems.add(key + " (" + builder.file.description() + ") has no store setting after '" + STORE_OPTION_PREFIX + "'");
            }
        }
        if (unknown) {
            problems.add("the keys are " + ConfigKey.known());
        }
    }

    private Map<String, String> storeOptions()
    {
        Map<String, String> options = new LinkedHashMap<>();
        if (builder.file != null) {
            builder.file.values().forEach((key, value) -> {
                if (key.startsWith(STORE_OPTION_PREFIX) && key.length() > STORE_OPTION_PREFIX.length() && !value.isBlank()) {
                    options.put(key.substring(STORE_OPTION_PREFIX.length()), value.trim());
                }
            });
        }
        builder.storeOptions.forEach((key, value) -> {
            if (key.isBlank()) {
                problems.add("storeOption: a store setting has a blank key");
            }
            else {
                options.put(key, value);
            }
        });
        return options;
    }

    private <T> T value(ConfigKey key, String setter, T explicit, Parser<T> parser, Check<T> check, T fallback)
    {
        T value = value(key, setter, explicit, parser, check);
        return value == null ? fallback : value;
    }

    /**
     * The explicit value, else the environment's, else the file's, else null. Every source's value
     * is parsed and checked, each problem named by the key as that source spells it.
     */
    private <T> T value(ConfigKey key, String setter, T explicit, Parser<T> parser, Check<T> check)
    {
        T fromFile = parse(builder.file, key.propertyName(), parser, check);
        T fromEnvironment = parse(builder.environment, key.environmentName(), parser, check);
        if (explicit != null) {
            try {
                check.check(setter, explicit);
            }
            catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            return explicit;
        }
        return fromEnvironment != null ? fromEnvironment : fromFile;
    }

    private <T> T parse(Source source, String name, Parser<T> parser, Check<T> check)
    {
        if (source == null) {
            return null;
        }
        String text = source.values().get(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        String described = name + " (" + source.description() + ")";
        try {
            T value = parser.parse(described, text);
            check.check(described, value);
            return value;
        }
        catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
