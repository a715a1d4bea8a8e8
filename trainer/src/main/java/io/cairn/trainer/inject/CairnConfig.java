package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.StringJoiner;

import static java.util.Objects.requireNonNull;

/**
 * What {@link CairnModule} wires: the store, the repository on it, and how runs save and what they
 * keep. Immutable; made by {@link #builder()}.
 *
 * <p>Values come from three sources. For each setting the first found wins:
 * <ol>
 * <li>a value given to a builder method ({@code keepLast(2)});
 * <li>an environment variable ({@link CairnConfigBuilder#fromEnvironment()}), {@code CAIRN_} and the key
 * in upper case with {@code -} as {@code _}: {@code CAIRN_KEEP_LAST=2};
 * <li>a properties file ({@link CairnConfigBuilder#fromProperties(Path)}): {@code cairn.keep-last=2}.
 * </ol>
 * The order of the builder calls does not matter. A blank value in the environment or the file counts
 * as unset. {@link CairnConfigBuilder#build()} checks every value of every source and reports all
 * problems in one {@link IllegalArgumentException}, each naming its key and source: an unknown key in
 * the file, a value that does not parse, a number out of range.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>file key</th><th>environment</th><th>builder</th><th>default</th></tr>
 * <tr><td>{@code cairn.store}</td><td>{@code CAIRN_STORE}</td><td>{@link CairnConfigBuilder#storeUri}</td><td>required</td></tr>
 * <tr><td>{@code cairn.store-option.KEY}</td><td>none: stores read {@code CAIRN_<SCHEME>_<KEY>} themselves</td>
 * <td>{@link CairnConfigBuilder#storeOption}, {@link CairnConfigBuilder#storeOptions}</td><td>none</td></tr>
 * <tr><td>{@code cairn.chunk-size}</td><td>{@code CAIRN_CHUNK_SIZE}</td><td>{@link CairnConfigBuilder#chunkSize}</td><td>4MiB</td></tr>
 * <tr><td>{@code cairn.upload-threads}</td><td>{@code CAIRN_UPLOAD_THREADS}</td><td>{@link CairnConfigBuilder#uploadThreads}</td><td>4</td></tr>
 * <tr><td>{@code cairn.open-existing}</td><td>{@code CAIRN_OPEN_EXISTING}</td><td>{@link CairnConfigBuilder#openExisting}</td><td>false</td></tr>
 * <tr><td>{@code cairn.save-kind}</td><td>{@code CAIRN_SAVE_KIND}</td><td>{@link CairnConfigBuilder#saveKind}</td><td>full</td></tr>
 * <tr><td>{@code cairn.save-every-steps}</td><td>{@code CAIRN_SAVE_EVERY_STEPS}</td><td>{@link CairnConfigBuilder#saveEverySteps}</td>
 * <td>50 when no save policy is set</td></tr>
 * <tr><td>{@code cairn.save-every}</td><td>{@code CAIRN_SAVE_EVERY}</td><td>{@link CairnConfigBuilder#saveEvery}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-every-epochs}</td><td>{@code CAIRN_SAVE_EVERY_EPOCHS}</td><td>{@link CairnConfigBuilder#saveEveryEpochs}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-best}</td><td>{@code CAIRN_SAVE_BEST}</td><td>{@link CairnConfigBuilder#saveBest}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-budget}</td><td>{@code CAIRN_SAVE_BUDGET}</td><td>{@link CairnConfigBuilder#saveBudget}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-on-finish}</td><td>{@code CAIRN_SAVE_ON_FINISH}</td><td>{@link CairnConfigBuilder#saveOnFinish}</td><td>false</td></tr>
 * <tr><td>{@code cairn.keep-last}</td><td>{@code CAIRN_KEEP_LAST}</td><td>{@link CairnConfigBuilder#keepLast}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-every-steps}</td><td>{@code CAIRN_KEEP_EVERY_STEPS}</td><td>{@link CairnConfigBuilder#keepEverySteps}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-every}</td><td>{@code CAIRN_KEEP_EVERY}</td><td>{@link CairnConfigBuilder#keepEvery}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-best}</td><td>{@code CAIRN_KEEP_BEST}</td><td>{@link CairnConfigBuilder#keepBest}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.sync}</td><td>{@code CAIRN_SYNC}</td><td>{@link CairnConfigBuilder#sync}</td><td>false</td></tr>
 * <tr><td>{@code cairn.on-save-failure}</td><td>{@code CAIRN_ON_SAVE_FAILURE}</td><td>{@link CairnConfigBuilder#onSaveFailure}</td><td>continue</td></tr>
 * <tr><td>{@code cairn.max-in-flight}</td><td>{@code CAIRN_MAX_IN_FLIGHT}</td><td>{@link CairnConfigBuilder#maxInFlight}</td><td>4</td></tr>
 * <tr><td>{@code cairn.max-snapshot-bytes}</td><td>{@code CAIRN_MAX_SNAPSHOT_BYTES}</td><td>{@link CairnConfigBuilder#maxSnapshotBytes}</td><td>2GiB</td></tr>
 * <tr><td>{@code cairn.lease-ttl}</td><td>{@code CAIRN_LEASE_TTL}</td><td>{@link CairnConfigBuilder#leaseTtl}</td><td>60s</td></tr>
 * </table>
 *
 * Sizes take a binary suffix ({@code 64KiB}, {@code 8MiB}), durations a unit ({@code 30s}, {@code 5m},
 * {@code PT1H}), booleans {@code true}/{@code false}; they parse with {@code SettingValues}.
 * Precedence is per key: save policies and retention rules from different keys combine (any policy
 * saves, a checkpoint any rule keeps is kept), whichever source each came from.
 */
public final class CairnConfig
{
    /**
     * The save interval in steps when no save policy is configured, as the seed saves.
     */
    public static final long DEFAULT_SAVE_EVERY_STEPS = 50;

    private final String storeUri;
    private final Map<String, String> storeOptions;
    private final int chunkSize;
    private final int uploadThreads;
    private final boolean openExisting;
    private final SaveKind saveKind;
    private final OptionalLong saveEverySteps;
    private final Optional<Duration> saveEvery;
    private final OptionalInt saveEveryEpochs;
    private final Optional<Monitor> saveBest;
    private final OptionalDouble saveBudget;
    private final boolean saveOnFinish;
    private final OptionalInt keepLast;
    private final OptionalLong keepEverySteps;
    private final Optional<Duration> keepEvery;
    private final OptionalInt keepBest;
    private final boolean sync;
    private final OnSaveFailure onSaveFailure;
    private final int maxInFlight;
    private final long maxSnapshotBytes;
    private final Duration leaseTtl;

    CairnConfig(ConfigResolution values)
    {
        this.storeUri = values.storeUri;
        this.storeOptions = Collections.unmodifiableMap(new LinkedHashMap<>(values.storeOptions));
        this.chunkSize = values.chunkSize;
        this.uploadThreads = values.uploadThreads;
        this.openExisting = values.openExisting;
        this.saveKind = values.saveKind;
        this.saveEverySteps = values.saveEverySteps == null ? OptionalLong.empty() : OptionalLong.of(values.saveEverySteps);
        this.saveEvery = Optional.ofNullable(values.saveEvery);
        this.saveEveryEpochs = values.saveEveryEpochs == null ? OptionalInt.empty() : OptionalInt.of(values.saveEveryEpochs);
        this.saveBest = Optional.ofNullable(values.saveBest);
        this.saveBudget = values.saveBudget == null ? OptionalDouble.empty() : OptionalDouble.of(values.saveBudget);
        this.saveOnFinish = values.saveOnFinish;
        this.keepLast = values.keepLast == null ? OptionalInt.empty() : OptionalInt.of(values.keepLast);
        this.keepEverySteps = values.keepEverySteps == null ? OptionalLong.empty() : OptionalLong.of(values.keepEverySteps);
        this.keepEvery = Optional.ofNullable(values.keepEvery);
        this.keepBest = values.keepBest == null ? OptionalInt.empty() : OptionalInt.of(values.keepBest);
        this.sync = values.sync;
        this.onSaveFailure = values.onSaveFailure;
        this.maxInFlight = values.maxInFlight;
        this.maxSnapshotBytes = values.maxSnapshotBytes;
        this.leaseTtl = values.leaseTtl;
    }

    public static CairnConfigBuilder builder()
    {
        return new CairnConfigBuilder();
    }

    /**
     * The store's URI: {@code file:/path} (or a plain path), {@code s3://bucket/prefix},
     * {@code hdfs://host:port/path}, or any scheme a bound provider opens. It is checked when the
     * store opens.
     */
    public String storeUri()
    {
        return storeUri;
    }

    /**
     * Settings handed to the store's provider with the URI; values may be secrets.
     */
    public Map<String, String> storeOptions()
    {
        return storeOptions;
    }

    /**
     * The chunk size of a repository created now; an existing one keeps its own.
     */
    public int chunkSize()
    {
        return chunkSize;
    }

    /**
     * Chunks uploaded (and read) in parallel by a repository created or opened for writing.
     */
    public int uploadThreads()
    {
        return uploadThreads;
    }

    /**
     * Whether the repository must exist already (for programs that only read), rather than being
     * created when the store holds none.
     */
    public boolean openExisting()
    {
        return openExisting;
    }

    public SaveKind saveKind()
    {
        return saveKind;
    }

    public OptionalLong saveEverySteps()
    {
        return saveEverySteps;
    }

    public Optional<Duration> saveEvery()
    {
        return saveEvery;
    }

    public OptionalInt saveEveryEpochs()
    {
        return saveEveryEpochs;
    }

    /**
     * Save at an epoch end when this metric improves (Keras' {@code save_best_only}).
     */
    public Optional<Monitor> saveBest()
    {
        return saveBest;
    }

    /**
     * Save as often as the measured cost of saving stays within this fraction of training time.
     */
    public OptionalDouble saveBudget()
    {
        return saveBudget;
    }

    public boolean saveOnFinish()
    {
        return saveOnFinish;
    }

    public OptionalInt keepLast()
    {
        return keepLast;
    }

    public OptionalLong keepEverySteps()
    {
        return keepEverySteps;
    }

    /**
     * Keep one checkpoint per interval of wall time ({@code tf.train.CheckpointManager}'s
     * {@code keep_checkpoint_every_n_hours}).
     */
    public Optional<Duration> keepEvery()
    {
        return keepEvery;
    }

    public OptionalInt keepBest()
    {
        return keepBest;
    }

    /**
     * The metric {@link #keepBest()} ranks by: the {@link #saveBest()} metric, else lower loss.
     */
    public Monitor keepBestMonitor()
    {
        return saveBest.orElse(new Monitor("loss", MetricMode.MIN));
    }

    public boolean sync()
    {
        return sync;
    }

    public OnSaveFailure onSaveFailure()
    {
        return onSaveFailure;
    }

    public int maxInFlight()
    {
        return maxInFlight;
    }

    public long maxSnapshotBytes()
    {
        return maxSnapshotBytes;
    }

    public Duration leaseTtl()
    {
        return leaseTtl;
    }

    /**
     * Every value, with the store options' keys but not their values, which may be secrets.
     */
    @Override
    public String toString()
    {
        StringJoiner text = new StringJoiner(", ", "CairnConfig{", "}");
        text.add("store=" + storeUri);
        if (!storeOptions.isEmpty()) {
            text.add("storeOptions=" + storeOptions.keySet());
        }
        text.add("chunkSize=" + SettingValues.describeBytes(chunkSize));
        text.add("uploadThreads=" + uploadThreads);
        text.add("openExisting=" + openExisting);
        text.add("saveKind=" + saveKind);
        saveEverySteps.ifPresent(steps -> text.add("saveEverySteps=" + steps));
        saveEvery.ifPresent(interval -> text.add("saveEvery=" + interval));
        saveEveryEpochs.ifPresent(epochs -> text.add("saveEveryEpochs=" + epochs));
        saveBest.ifPresent(monitor -> text.add("saveBest=" + monitor));
        saveBudget.ifPresent(budget -> text.add("saveBudget=" + budget));
        text.add("saveOnFinish=" + saveOnFinish);
        keepLast.ifPresent(count -> text.add("keepLast=" + count));
        keepEverySteps.ifPresent(steps -> text.add("keepEverySteps=" + steps));
        keepEvery.ifPresent(interval -> text.add("keepEvery=" + interval));
        keepBest.ifPresent(count -> text.add("keepBest=" + count));
        text.add("sync=" + sync);
        text.add("onSaveFailure=" + onSaveFailure);
        text.add("maxInFlight=" + maxInFlight);
        text.add("maxSnapshotBytes=" + SettingValues.describeBytes(maxSnapshotBytes));
        text.add("leaseTtl=" + leaseTtl);
        return text.toString();
    }

    /**
     * A metric training reports, and which way is better.
     */
    public record Monitor(String metric, MetricMode mode)
    {
        public Monitor
        {
            requireNonNull(metric, "metric is null");
            requireNonNull(mode, "mode is null");
            if (metric.isBlank()) {
                throw new IllegalArgumentException("metric is blank");
            }
        }

        /**
         * {@code METRIC} or {@code METRIC:min} or {@code METRIC:max}; without a mode, {@code max} for
         * accuracy-like metrics and {@code min} for the rest.
         */
        static Monitor parse(String name, String text)
        {
            String[] parts = text.trim().split(":", -1);
            if (parts.length > 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException(name + " must be METRIC, METRIC:min or METRIC:max (e.g. loss:min), got '" + text + "'");
            }
            if (parts.length == 1) {
                return new Monitor(parts[0], MetricMode.defaultFor(parts[0]));
            }
            try {
                return new Monitor(parts[0], MetricMode.parse(parts[1]));
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be METRIC, METRIC:min or METRIC:max (e.g. loss:min), got '" + text + "'", e);
            }
        }

        @Override
        public String toString()
        {
            return metric + ":" + mode.name().toLowerCase(Locale.ROOT);
        }
    }
}
