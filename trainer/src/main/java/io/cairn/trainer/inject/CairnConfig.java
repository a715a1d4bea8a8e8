package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * What {@link CairnModule} wires: the store, the repository on it, and how runs save and what they
 * keep. Immutable; made by {@link #builder()}.
 *
 * <p>Values come from three sources. For each setting the first found wins:
 * <ol>
 * <li>a value given to a builder method ({@code keepLast(2)});
 * <li>an environment variable ({@link Builder#fromEnvironment()}), {@code CAIRN_} and the key in upper
 * case with {@code -} as {@code _}: {@code CAIRN_KEEP_LAST=2};
 * <li>a properties file ({@link Builder#fromProperties(Path)}): {@code cairn.keep-last=2}.
 * </ol>
 * The order of the builder calls does not matter. A blank value in the environment or the file counts
 * as unset. {@link Builder#build()} checks every value of every source and reports all problems in one
 * {@link IllegalArgumentException}, each naming its key and source: an unknown key in the file, a
 * value that does not parse, a number out of range.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>file key</th><th>environment</th><th>builder</th><th>default</th></tr>
 * <tr><td>{@code cairn.store}</td><td>{@code CAIRN_STORE}</td><td>{@link Builder#storeUri}</td><td>required</td></tr>
 * <tr><td>{@code cairn.store-option.KEY}</td><td>none: stores read {@code CAIRN_<SCHEME>_<KEY>} themselves</td>
 * <td>{@link Builder#storeOption}, {@link Builder#storeOptions}</td><td>none</td></tr>
 * <tr><td>{@code cairn.chunk-size}</td><td>{@code CAIRN_CHUNK_SIZE}</td><td>{@link Builder#chunkSize}</td><td>4MiB</td></tr>
 * <tr><td>{@code cairn.upload-threads}</td><td>{@code CAIRN_UPLOAD_THREADS}</td><td>{@link Builder#uploadThreads}</td><td>4</td></tr>
 * <tr><td>{@code cairn.open-existing}</td><td>{@code CAIRN_OPEN_EXISTING}</td><td>{@link Builder#openExisting}</td><td>false</td></tr>
 * <tr><td>{@code cairn.save-kind}</td><td>{@code CAIRN_SAVE_KIND}</td><td>{@link Builder#saveKind}</td><td>full</td></tr>
 * <tr><td>{@code cairn.save-every-steps}</td><td>{@code CAIRN_SAVE_EVERY_STEPS}</td><td>{@link Builder#saveEverySteps}</td>
 * <td>50 when no save policy is set</td></tr>
 * <tr><td>{@code cairn.save-every}</td><td>{@code CAIRN_SAVE_EVERY}</td><td>{@link Builder#saveEvery}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-every-epochs}</td><td>{@code CAIRN_SAVE_EVERY_EPOCHS}</td><td>{@link Builder#saveEveryEpochs}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-best}</td><td>{@code CAIRN_SAVE_BEST}</td><td>{@link Builder#saveBest}</td><td>none</td></tr>
 * <tr><td>{@code cairn.save-on-finish}</td><td>{@code CAIRN_SAVE_ON_FINISH}</td><td>{@link Builder#saveOnFinish}</td><td>false</td></tr>
 * <tr><td>{@code cairn.keep-last}</td><td>{@code CAIRN_KEEP_LAST}</td><td>{@link Builder#keepLast}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-every-steps}</td><td>{@code CAIRN_KEEP_EVERY_STEPS}</td><td>{@link Builder#keepEverySteps}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-every}</td><td>{@code CAIRN_KEEP_EVERY}</td><td>{@link Builder#keepEvery}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.keep-best}</td><td>{@code CAIRN_KEEP_BEST}</td><td>{@link Builder#keepBest}</td><td>keep all</td></tr>
 * <tr><td>{@code cairn.sync}</td><td>{@code CAIRN_SYNC}</td><td>{@link Builder#sync}</td><td>false</td></tr>
 * <tr><td>{@code cairn.max-in-flight}</td><td>{@code CAIRN_MAX_IN_FLIGHT}</td><td>{@link Builder#maxInFlight}</td><td>4</td></tr>
 * <tr><td>{@code cairn.max-snapshot-bytes}</td><td>{@code CAIRN_MAX_SNAPSHOT_BYTES}</td><td>{@link Builder#maxSnapshotBytes}</td><td>2GiB</td></tr>
 * <tr><td>{@code cairn.lease-ttl}</td><td>{@code CAIRN_LEASE_TTL}</td><td>{@link Builder#leaseTtl}</td><td>60s</td></tr>
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

    static final String PREFIX = "cairn.";
    static final String STORE_OPTION_PREFIX = PREFIX + "store-option.";

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
    private final boolean saveOnFinish;
    private final OptionalInt keepLast;
    private final OptionalLong keepEverySteps;
    private final Optional<Duration> keepEvery;
    private final OptionalInt keepBest;
    private final boolean sync;
    private final int maxInFlight;
    private final long maxSnapshotBytes;
    private final Duration leaseTtl;

    private CairnConfig(Resolver values)
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
        this.saveOnFinish = values.saveOnFinish;
        this.keepLast = values.keepLast == null ? OptionalInt.empty() : OptionalInt.of(values.keepLast);
        this.keepEverySteps = values.keepEverySteps == null ? OptionalLong.empty() : OptionalLong.of(values.keepEverySteps);
        this.keepEvery = Optional.ofNullable(values.keepEvery);
        this.keepBest = values.keepBest == null ? OptionalInt.empty() : OptionalInt.of(values.keepBest);
        this.sync = values.sync;
        this.maxInFlight = values.maxInFlight;
        this.maxSnapshotBytes = values.maxSnapshotBytes;
        this.leaseTtl = values.leaseTtl;
    }

    public static Builder builder()
    {
        return new Builder();
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
        text.add("saveOnFinish=" + saveOnFinish);
        keepLast.ifPresent(count -> text.add("keepLast=" + count));
        keepEverySteps.ifPresent(steps -> text.add("keepEverySteps=" + steps));
        keepEvery.ifPresent(interval -> text.add("keepEvery=" + interval));
        keepBest.ifPresent(count -> text.add("keepBest=" + count));
        text.add("sync=" + sync);
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

    /**
     * Sets values and sources; {@link #build()} resolves them, explicit values first, then the
     * environment, then the file.
     */
    public static final class Builder
    {
        private Source file;
        private Source environment;

        private String storeUri;
        private final Map<String, String> storeOptions = new LinkedHashMap<>();
        private Integer chunkSize;
        private Integer uploadThreads;
        private Boolean openExisting;
        private SaveKind saveKind;
        private Long saveEverySteps;
        private Duration saveEvery;
        private Integer saveEveryEpochs;
        private Monitor saveBest;
        private Boolean saveOnFinish;
        private Integer keepLast;
        private Long keepEverySteps;
        private Duration keepEvery;
        private Integer keepBest;
        private Boolean sync;
        private Integer maxInFlight;
        private Long maxSnapshotBytes;
        private Duration leaseTtl;

        private Builder() {}

        /**
         * Reads {@code cairn.*} keys from a properties file (UTF-8), the source of lowest precedence,
         * in place of any file given before. Every key in it must be one of Cairn's.
         *
         * @throws UncheckedIOException if the file cannot be read
         */
        public Builder fromProperties(Path file)
        {
            requireNonNull(file, "file is null");
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read the Cairn configuration " + file + ": " + e.getMessage(), e);
            }
            Map<String, String> values = new TreeMap<>();
            properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
            this.file = new Source("in " + file, values);
            return this;
        }

        /**
         * Reads the {@code CAIRN_*} variables of Cairn's keys from the process environment, which
         * wins over the file. Other {@code CAIRN_*} variables (a store's own settings such as
         * {@code CAIRN_S3_REGION}, which the store reads itself; a launcher's) are left alone.
         */
        public Builder fromEnvironment()
        {
            return fromEnvironment(System.getenv());
        }

        /**
         * As {@link #fromEnvironment()}, from the given variables.
         */
        public Builder fromEnvironment(Map<String, String> variables)
        {
            requireNonNull(variables, "variables is null");
            Map<String, String> values = new TreeMap<>();
            for (Key key : Key.values()) {
                String value = variables.get(key.environmentName());
                if (value != null) {
                    values.put(key.environmentName(), value);
                }
            }
            this.environment = new Source("from the environment", values);
            return this;
        }

        /**
         * {@code cairn.store}: where the repository lives.
         */
        public Builder storeUri(String uri)
        {
            this.storeUri = requireNonNull(uri, "uri is null");
            return this;
        }

        /**
         * {@code cairn.store-option.KEY}: one setting for the store's provider, as in the URI query.
         */
        public Builder storeOption(String key, String value)
        {
            storeOptions.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
            return this;
        }

        /**
         * Adds these settings for the store's provider; each wins over the same key in the file.
         */
        public Builder storeOptions(Map<String, String> options)
        {
            requireNonNull(options, "options is null").forEach(this::storeOption);
            return this;
        }

        /**
         * {@code cairn.chunk-size}: the chunk size of a repository created now, 4KiB to 256MiB.
         */
        public Builder chunkSize(int bytes)
        {
            this.chunkSize = bytes;
            return this;
        }

        /**
         * {@code cairn.upload-threads}: chunks uploaded (and read) in parallel, 1 to 64.
         */
        public Builder uploadThreads(int threads)
        {
            this.uploadThreads = threads;
            return this;
        }

        /**
         * {@code cairn.open-existing}: true for a program that only reads, which must not create a
         * repository; false (the default) creates one when the store holds none.
         */
        public Builder openExisting(boolean openExisting)
        {
            this.openExisting = openExisting;
            return this;
        }

        /**
         * {@code cairn.save-kind}: {@code full}, {@code weights} or {@code state}.
         */
        public Builder saveKind(SaveKind kind)
        {
            this.saveKind = requireNonNull(kind, "kind is null");
            return this;
        }

        /**
         * {@code cairn.save-every-steps}: save every N steps.
         */
        public Builder saveEverySteps(long steps)
        {
            this.saveEverySteps = steps;
            return this;
        }

        /**
         * {@code cairn.save-every}: save every interval of wall time.
         */
        public Builder saveEvery(Duration interval)
        {
            this.saveEvery = requireNonNull(interval, "interval is null");
            return this;
        }

        /**
         * {@code cairn.save-every-epochs}: save every N epochs.
         */
        public Builder saveEveryEpochs(int epochs)
        {
            this.saveEveryEpochs = epochs;
            return this;
        }

        /**
         * {@code cairn.save-best} ({@code METRIC[:min|max]}): save at an epoch end when the metric
         * improves.
         */
        public Builder saveBest(String metric, MetricMode mode)
        {
            this.saveBest = new Monitor(metric, mode);
            return this;
        }

        /**
         * {@code cairn.save-on-finish}: also save when training ends.
         */
        public Builder saveOnFinish(boolean saveOnFinish)
        {
            this.saveOnFinish = saveOnFinish;
            return this;
        }

        /**
         * {@code cairn.keep-last}: keep the run's last N checkpoints.
         */
        public Builder keepLast(int count)
        {
            this.keepLast = count;
            return this;
        }

        /**
         * {@code cairn.keep-every-steps}: keep checkpoints whose step is a multiple of N.
         */
        public Builder keepEverySteps(long steps)
        {
            this.keepEverySteps = steps;
            return this;
        }

        /**
         * {@code cairn.keep-every}: keep one checkpoint per interval of wall time: the first, then each
         * one created at least the interval after the last one kept.
         */
        public Builder keepEvery(Duration interval)
        {
            this.keepEvery = requireNonNull(interval, "interval is null");
            return this;
        }

        /**
         * {@code cairn.keep-best}: keep the N best checkpoints by the save-best metric, else by loss.
         */
        public Builder keepBest(int count)
        {
            this.keepBest = count;
            return this;
        }

        /**
         * {@code cairn.sync}: write each save on the training thread (for comparison).
         */
        public Builder sync(boolean sync)
        {
            this.sync = sync;
            return this;
        }

        /**
         * {@code cairn.max-in-flight}: saves snapshotted but not yet committed before a save waits.
         */
        public Builder maxInFlight(int saves)
        {
            this.maxInFlight = saves;
            return this;
        }

        /**
         * {@code cairn.max-snapshot-bytes}: host memory all in-flight snapshots may hold together.
         */
        public Builder maxSnapshotBytes(long bytes)
        {
            this.maxSnapshotBytes = bytes;
            return this;
        }

        /**
         * {@code cairn.lease-ttl}: how long a run's lease lasts without renewal, at least 3 seconds.
         */
        public Builder leaseTtl(Duration ttl)
        {
            this.leaseTtl = requireNonNull(ttl, "ttl is null");
            return this;
        }

        /**
         * Resolves every setting from the explicit values, the environment and the file.
         *
         * @throws IllegalArgumentException listing every problem of every source, each by key
         */
        public CairnConfig build()
        {
            Resolver resolver = new Resolver(this);
            if (!resolver.problems.isEmpty()) {
                throw new IllegalArgumentException(describe(resolver.problems));
            }
            return new CairnConfig(resolver);
        }

        private static String describe(List<String> problems)
        {
            if (problems.size() == 1) {
                return "Bad Cairn configuration: " + problems.get(0);
            }
            return problems.stream().collect(Collectors.joining("\n  ", "Bad Cairn configuration, " + problems.size() + " problems:\n  ", ""));
        }
    }

    /**
     * Cairn's keys, as a file names them ({@code cairn.keep-last}) and as the environment does
     * ({@code CAIRN_KEEP_LAST}).
     */
    private enum Key
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
        SAVE_ON_FINISH("save-on-finish"),
        KEEP_LAST("keep-last"),
        KEEP_EVERY_STEPS("keep-every-steps"),
        KEEP_EVERY("keep-every"),
        KEEP_BEST("keep-best"),
        SYNC("sync"),
        MAX_IN_FLIGHT("max-in-flight"),
        MAX_SNAPSHOT_BYTES("max-snapshot-bytes"),
        LEASE_TTL("lease-ttl");

        private final String suffix;

        Key(String suffix)
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
            return Arrays.stream(values()).map(Key::propertyName).collect(Collectors.joining(", ")) + ", " + STORE_OPTION_PREFIX + "<key>";
        }
    }

    /**
     * The values of one source, by the names it uses, and how messages name the source.
     */
    private record Source(String description, Map<String, String> values) {}

    private interface Parser<T>
    {
        T parse(String name, String text);
    }

    private interface Check<T>
    {
        /**
         * @throws IllegalArgumentException naming {@code name} if the value is out of range
         */
        void check(String name, T value);
    }

    /**
     * Resolves each setting and collects every problem of every source: a value that is overridden is
     * still checked, so a broken file or variable never goes unnoticed.
     */
    private static final class Resolver
    {
        private static final int MAX_UPLOAD_THREADS = 64;
        private static final Duration MIN_LEASE_TTL = Duration.ofSeconds(3);

        private final Builder builder;
        private final List<String> problems = new ArrayList<>();

        private final String storeUri;
        private final Map<String, String> storeOptions;
        private final int chunkSize;
        private final int uploadThreads;
        private final boolean openExisting;
        private final SaveKind saveKind;
        private final Long saveEverySteps;
        private final Duration saveEvery;
        private final Integer saveEveryEpochs;
        private final Monitor saveBest;
        private final boolean saveOnFinish;
        private final Integer keepLast;
        private final Long keepEverySteps;
        private final Duration keepEvery;
        private final Integer keepBest;
        private final boolean sync;
        private final int maxInFlight;
        private final long maxSnapshotBytes;
        private final Duration leaseTtl;

        private Resolver(Builder builder)
        {
            this.builder = builder;
            CheckpointerOptions defaults = CheckpointerOptions.defaults();
            checkFileKeys();
            this.storeUri = value(Key.STORE, "storeUri", builder.storeUri, (name, text) -> text.trim(), (name, value) -> {});
            this.storeOptions = storeOptions();
            this.chunkSize = value(Key.CHUNK_SIZE, "chunkSize", builder.chunkSize,
                    (name, text) -> (int) SettingValues.bytes(name, text, RepositoryDescriptor.MIN_CHUNK_SIZE, RepositoryDescriptor.MAX_CHUNK_SIZE),
                    Resolver::checkChunkSize, RepositoryDescriptor.DEFAULT_CHUNK_SIZE);
            this.uploadThreads = value(Key.UPLOAD_THREADS, "uploadThreads", builder.uploadThreads,
                    (name, text) -> SettingValues.wholeNumber(name, text, 1, MAX_UPLOAD_THREADS), Resolver::checkUploadThreads, CheckpointRepository.DEFAULT_TRANSFER_THREADS);
            this.openExisting = value(Key.OPEN_EXISTING, "openExisting", builder.openExisting, SettingValues::bool, (name, value) -> {}, false);
            this.saveKind = value(Key.SAVE_KIND, "saveKind", builder.saveKind, Resolver::saveKind, (name, value) -> {}, SaveKind.FULL);
            this.saveEverySteps = value(Key.SAVE_EVERY_STEPS, "saveEverySteps", builder.saveEverySteps, Resolver::count, Resolver::checkAtLeastOne);
            this.saveEvery = value(Key.SAVE_EVERY, "saveEvery", builder.saveEvery, SettingValues::duration, Resolver::checkPositive);
            this.saveEveryEpochs = value(Key.SAVE_EVERY_EPOCHS, "saveEveryEpochs", builder.saveEveryEpochs, Resolver::intCount, Resolver::checkAtLeastOne);
            this.saveBest = value(Key.SAVE_BEST, "saveBest", builder.saveBest, Monitor::parse, (name, value) -> {});
            this.saveOnFinish = value(Key.SAVE_ON_FINISH, "saveOnFinish", builder.saveOnFinish, SettingValues::bool, (name, value) -> {}, false);
            this.keepLast = value(Key.KEEP_LAST, "keepLast", builder.keepLast, Resolver::intCount, Resolver::checkAtLeastOne);
            this.keepEverySteps = value(Key.KEEP_EVERY_STEPS, "keepEverySteps", builder.keepEverySteps, Resolver::count, Resolver::checkAtLeastOne);
            this.keepEvery = value(Key.KEEP_EVERY, "keepEvery", builder.keepEvery, SettingValues::duration, Resolver::checkPositive);
            this.keepBest = value(Key.KEEP_BEST, "keepBest", builder.keepBest, Resolver::intCount, Resolver::checkAtLeastOne);
            this.sync = value(Key.SYNC, "sync", builder.sync, SettingValues::bool, (name, value) -> {}, false);
            this.maxInFlight = value(Key.MAX_IN_FLIGHT, "maxInFlight", builder.maxInFlight, Resolver::intCount, Resolver::checkAtLeastOne, defaults.maxInFlight());
            this.maxSnapshotBytes = value(Key.MAX_SNAPSHOT_BYTES, "maxSnapshotBytes", builder.maxSnapshotBytes,
                    (name, text) -> SettingValues.bytes(name, text, 1, Long.MAX_VALUE), Resolver::checkAtLeastOne, defaults.maxSnapshotBytes());
            this.leaseTtl = value(Key.LEASE_TTL, "leaseTtl", builder.leaseTtl,
                    (name, text) -> {
                        Duration ttl = SettingValues.duration(name, text);
                        checkLeaseTtl(name, ttl);
                        return ttl;
                    },
                    Resolver::checkLeaseTtl, defaults.leaseTtl());
            if (storeUri == null) {
                problems.add(0, "the store is not set; give it with storeUri(...), " + Key.STORE.environmentName() + " or " + Key.STORE.propertyName());
            }
        }

        private void checkFileKeys()
        {
            if (builder.file == null) {
                return;
            }
            boolean unknown = false;
            for (String key : builder.file.values().keySet()) {
                boolean known = Arrays.stream(Key.values()).anyMatch(candidate -> candidate.propertyName().equals(key))
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
                problems.add("the keys are " + Key.known());
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

        private <T> T value(Key key, String setter, T explicit, Parser<T> parser, Check<T> check, T fallback)
        {
            T value = value(key, setter, explicit, parser, check);
            return value == null ? fallback : value;
        }

        /**
         * The explicit value, else the environment's, else the file's, else null. Every source's value
         * is parsed and checked, each problem named by the key as that source spells it.
         */
        private <T> T value(Key key, String setter, T explicit, Parser<T> parser, Check<T> check)
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

        private static SaveKind saveKind(String name, String text)
        {
            try {
                return SaveKind.parse(text.trim());
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be full, weights or state, got '" + text + "'", e);
            }
        }

        private static Long count(String name, String text)
        {
            return (long) SettingValues.wholeNumber(name, text, 1, Integer.MAX_VALUE);
        }

        private static Integer intCount(String name, String text)
        {
            return SettingValues.wholeNumber(name, text, 1, Integer.MAX_VALUE);
        }

        private static void checkAtLeastOne(String name, Number value)
        {
            if (value.longValue() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, got " + value);
            }
        }

        private static void checkChunkSize(String name, int bytes)
        {
            if (bytes < RepositoryDescriptor.MIN_CHUNK_SIZE || bytes > RepositoryDescriptor.MAX_CHUNK_SIZE) {
                throw new IllegalArgumentException(name + " must be a size from " + SettingValues.describeBytes(RepositoryDescriptor.MIN_CHUNK_SIZE) + " to "
                        + SettingValues.describeBytes(RepositoryDescriptor.MAX_CHUNK_SIZE) + ", got " + bytes);
            }
        }

        private static void checkUploadThreads(String name, int threads)
        {
            if (threads < 1 || threads > MAX_UPLOAD_THREADS) {
                throw new IllegalArgumentException(name + " must be from 1 to " + MAX_UPLOAD_THREADS + ", got " + threads);
            }
        }

        private static void checkPositive(String name, Duration interval)
        {
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + interval);
            }
        }

        private static void checkLeaseTtl(String name, Duration ttl)
        {
            if (ttl.compareTo(MIN_LEASE_TTL) < 0) {
                throw new IllegalArgumentException(name + " must be at least 3 seconds, got " + ttl);
            }
        }
    }
}
