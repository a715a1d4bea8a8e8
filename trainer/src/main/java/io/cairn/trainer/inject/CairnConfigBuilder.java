package io.cairn.trainer.inject;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.trainer.inject.CairnConfig.Monitor;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Sets values and sources; {@link #build()} resolves them, explicit values first, then the
 * environment, then the file.
 */
public final class CairnConfigBuilder
{
    ConfigResolution.Source file;
    ConfigResolution.Source environment;

    String storeUri;
    final Map<String, String> storeOptions = new LinkedHashMap<>();
    Integer chunkSize;
    Integer uploadThreads;
    Boolean openExisting;
    SaveKind saveKind;
    Long saveEverySteps;
    Duration saveEvery;
    Integer saveEveryEpochs;
    Monitor saveBest;
    Double saveBudget;
    Boolean saveOnFinish;
    Integer keepLast;
    Long keepEverySteps;
    Duration keepEvery;
    Integer keepBest;
    Boolean sync;
    OnSaveFailure onSaveFailure;
    Integer maxInFlight;
    Long maxSnapshotBytes;
    Duration leaseTtl;

    CairnConfigBuilder() {}

    /**
     * Reads {@code cairn.*} keys from a properties file (UTF-8), the source of lowest precedence,
     * in place of any file given before. Every key in it must be one of Cairn's.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public CairnConfigBuilder fromProperties(Path file)
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
        this.file = new ConfigResolution.Source("in " + file, values);
        return this;
    }

    /**
     * Reads the {@code CAIRN_*} variables of Cairn's keys from the process environment, which
     * wins over the file. Other {@code CAIRN_*} variables (a store's own settings such as
     * {@code CAIRN_S3_REGION}, which the store reads itself; a launcher's) are left alone.
     */
    public CairnConfigBuilder fromEnvironment()
    {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, from the given variables.
     */
    public CairnConfigBuilder fromEnvironment(Map<String, String> variables)
    {
        requireNonNull(variables, "variables is null");
        Map<String, String> values = new TreeMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            String value = variables.get(key.environmentName());
            if (value != null) {
                values.put(key.environmentName(), value);
            }
        }
        this.environment = new ConfigResolution.Source("from the environment", values);
        return this;
    }

    /**
     * {@code cairn.store}: where the repository lives.
     */
    public CairnConfigBuilder storeUri(String uri)
    {
        this.storeUri = requireNonNull(uri, "uri is null");
        return this;
    }

    /**
     * {@code cairn.store-option.KEY}: one setting for the store's provider, as in the URI query.
     */
    public CairnConfigBuilder storeOption(String key, String value)
    {
        storeOptions.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
        return this;
    }

    /**
     * Adds these settings for the store's provider; each wins over the same key in the file.
     */
    public CairnConfigBuilder storeOptions(Map<String, String> options)
    {
        requireNonNull(options, "options is null").forEach(this::storeOption);
        return this;
    }

    /**
     * {@code cairn.chunk-size}: the chunk size of a repository created now, 4KiB to 256MiB.
     */
    public CairnConfigBuilder chunkSize(int bytes)
    {
        this.chunkSize = bytes;
        return this;
    }

    /**
     * {@code cairn.upload-threads}: chunks uploaded (and read) in parallel, 1 to 64.
     */
    public CairnConfigBuilder uploadThreads(int threads)
    {
        this.uploadThreads = threads;
        return this;
    }

    /**
     * {@code cairn.open-existing}: true for a program that only reads, which must not create a
     * repository; false (the default) creates one when the store holds none.
     */
    public CairnConfigBuilder openExisting(boolean openExisting)
    {
        this.openExisting = openExisting;
        return this;
    }

    /**
     * {@code cairn.save-kind}: {@code full}, {@code weights} or {@code state}.
     */
    public CairnConfigBuilder saveKind(SaveKind kind)
    {
        this.saveKind = requireNonNull(kind, "kind is null");
        return this;
    }

    /**
     * {@code cairn.save-every-steps}: save every N steps.
     */
    public CairnConfigBuilder saveEverySteps(long steps)
    {
        this.saveEverySteps = steps;
        return this;
    }

    /**
     * {@code cairn.save-every}: save every interval of wall time.
     */
    public CairnConfigBuilder saveEvery(Duration interval)
    {
        this.saveEvery = requireNonNull(interval, "interval is null");
        return this;
    }

    /**
     * {@code cairn.save-every-epochs}: save every N epochs.
     */
    public CairnConfigBuilder saveEveryEpochs(int epochs)
    {
        this.saveEveryEpochs = epochs;
        return this;
    }

    /**
     * {@code cairn.save-best} ({@code METRIC[:min|max]}): save at an epoch end when the metric
     * improves.
     */
    public CairnConfigBuilder saveBest(String metric, MetricMode mode)
    {
        this.saveBest = new Monitor(metric, mode);
        return this;
    }

    /**
     * {@code cairn.save-budget} ({@code 5%} or {@code 0.05}): save as often as the measured cost of
     * saving stays within this fraction of training time ({@code SavePolicies.budget}).
     */
    public CairnConfigBuilder saveBudget(double budget)
    {
        this.saveBudget = budget;
        return this;
    }

    /**
     * {@code cairn.save-on-finish}: also save when training ends.
     */
    public CairnConfigBuilder saveOnFinish(boolean saveOnFinish)
    {
        this.saveOnFinish = saveOnFinish;
        return this;
    }

    /**
     * {@code cairn.keep-last}: keep the run's last N checkpoints.
     */
    public CairnConfigBuilder keepLast(int count)
    {
        this.keepLast = count;
        return this;
    }

    /**
     * {@code cairn.keep-every-steps}: keep checkpoints whose step is a multiple of N.
     */
    public CairnConfigBuilder keepEverySteps(long steps)
    {
        this.keepEverySteps = steps;
        return this;
    }

    /**
     * {@code cairn.keep-every}: keep one checkpoint per interval of wall time: the first, then each
     * one created at least the interval after the last one kept.
     */
    public CairnConfigBuilder keepEvery(Duration interval)
    {
        this.keepEvery = requireNonNull(interval, "interval is null");
        return this;
    }

    /**
     * {@code cairn.keep-best}: keep the N best checkpoints by the save-best metric, else by loss.
     */
    public CairnConfigBuilder keepBest(int count)
    {
        this.keepBest = count;
        return this;
    }

    /**
     * {@code cairn.sync}: write each save on the training thread (for comparison).
     */
    public CairnConfigBuilder sync(boolean sync)
    {
        this.sync = sync;
        return this;
    }

    /**
     * {@code cairn.on-save-failure}: whether training goes on after a failed background save
     * ({@code continue}, the default) or stops ({@code stop}).
     */
    public CairnConfigBuilder onSaveFailure(OnSaveFailure onSaveFailure)
    {
        this.onSaveFailure = onSaveFailure;
        return this;
    }

    /**
     * {@code cairn.max-in-flight}: saves snapshotted but not yet committed before a save waits.
     */
    public CairnConfigBuilder maxInFlight(int saves)
    {
        this.maxInFlight = saves;
        return this;
    }

    /**
     * {@code cairn.max-snapshot-bytes}: host memory all in-flight snapshots may hold together.
     */
    public CairnConfigBuilder maxSnapshotBytes(long bytes)
    {
        this.maxSnapshotBytes = bytes;
        return this;
    }

    /**
     * {@code cairn.lease-ttl}: how long a run's lease lasts without renewal, at least 3 seconds.
     */
    public CairnConfigBuilder leaseTtl(Duration ttl)
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
        ConfigResolution resolution = new ConfigResolution(this);
        if (!resolution.problems.isEmpty()) {
            throw new IllegalArgumentException(describe(resolution.problems));
        }
        return new CairnConfig(resolution);
    }

    private static String describe(List<String> problems)
    {
        if (problems.size() == 1) {
            return "Bad Cairn configuration: " + problems.get(0);
        }
        return problems.stream().collect(Collectors.joining("\n  ", "Bad Cairn configuration, " + problems.size() + " problems:\n  ", ""));
    }
}
