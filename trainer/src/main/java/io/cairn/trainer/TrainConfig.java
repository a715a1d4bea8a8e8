package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.trainer.inject.CairnConfig;
import io.cairn.trainer.inject.CairnConfigBuilder;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Everything {@code cairn train} was asked to do, parsed and checked; Guice builds the run from it,
 * with Cairn's wiring configured by {@link #cairnConfig()}.
 * Made by {@link #builder()}: a setter per flag, and {@link Builder#build()} checks the values and
 * how they combine, naming the flag of anything wrong. Immutable.
 */
final class TrainConfig
{
    /**
     * Saves every 50 steps, as the seed does, when no save flag is given.
     */
    static final long DEFAULT_SAVE_EVERY_STEPS = CairnConfig.DEFAULT_SAVE_EVERY_STEPS;

    private final StoreLocation store;
    private final int chunkSize;
    private final int uploadThreads;
    private final ModelSpec model;
    private final DataSpec data;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final SaveKind mode;
    private final OptionalLong saveEverySteps;
    private final Optional<Duration> saveEvery;
    private final OptionalInt saveEveryEpochs;
    private final Optional<MonitorSpec> saveBest;
    private final OptionalDouble saveBudget;
    private final boolean noSave;
    private final OptionalInt keepLast;
    private final OptionalLong keepEverySteps;
    private final Optional<Duration> keepEvery;
    private final OptionalInt keepBest;
    private final boolean sync;
    private final Optional<OnSaveFailure> onSaveFailure;
    private final Duration preemptGrace;
    private final boolean saveOnFinish;
    private final OptionalLong maxSteps;
    private final boolean resume;
    private final Optional<String> run;
    private final Optional<InitFromSpec> initFrom;
    private final OptionalInt freeze;
    private final boolean json;

    TrainConfig(TrainConfigBuilder builder)
    {
        this.store = requireNonNull(builder.store, "store is null");
        this.chunkSize = builder.chunkSize;
        this.uploadThreads = builder.uploadThreads;
        this.model = requireNonNull(builder.model, "model is null");
        this.data = requireNonNull(builder.data, "data is null");
        this.epochs = builder.epochs;
        this.batchSize = builder.batchSize;
        this.seed = builder.seed;
        this.mode = requireNonNull(builder.mode, "mode is null");
        this.saveEverySteps = builder.saveEverySteps == null ? OptionalLong.empty() : OptionalLong.of(builder.saveEverySteps);
        this.saveEvery = Optional.ofNullable(builder.saveEvery);
        this.saveEveryEpochs = builder.saveEveryEpochs == null ? OptionalInt.empty() : OptionalInt.of(builder.saveEveryEpochs);
        this.saveBest = Optional.ofNullable(builder.saveBest);
        this.saveBudget = builder.saveBudget == null ? OptionalDouble.empty() : OptionalDouble.of(builder.saveBudget);
        this.noSave = builder.noSave;
        this.keepLast = builder.keepLast == null ? OptionalInt.empty() : OptionalInt.of(builder.keepLast);
        this.keepEverySteps = builder.keepEverySteps == null ? OptionalLong.empty() : OptionalLong.of(builder.keepEverySteps);
        this.keepEvery = Optional.ofNullable(builder.keepEvery);
        this.keepBest = builder.keepBest == null ? OptionalInt.empty() : OptionalInt.of(builder.keepBest);
        this.sync = builder.sync;
        this.onSaveFailure = Optional.ofNullable(builder.onSaveFailure);
        this.preemptGrace = requireNonNull(builder.preemptGrace, "preemptGrace is null");
        this.saveOnFinish = builder.saveOnFinish;
        this.maxSteps = builder.maxSteps == null ? OptionalLong.empty() : OptionalLong.of(builder.maxSteps);
        this.resume = builder.resume;
        this.run = Optional.ofNullable(builder.run);
        this.initFrom = Optional.ofNullable(builder.initFrom);
        this.freeze = builder.freeze == null ? OptionalInt.empty() : OptionalInt.of(builder.freeze);
        this.json = builder.json;
    }

    static Builder builder()
    {
        return new TrainConfigBuilder();
    }

    StoreLocation store()
    {
        return store;
    }

    /**
     * The chunk size of a repository created now; an existing one keeps its own.
     */
    int chunkSize()
    {
        return chunkSize;
    }

    int uploadThreads()
    {
        return uploadThreads;
    }

    ModelSpec model()
    {
        return model;
    }

    DataSpec data()
    {
        return data;
    }

    int epochs()
    {
        return epochs;
    }

    int batchSize()
    {
        return batchSize;
    }

    long seed()
    {
        return seed;
    }

    SaveKind mode()
    {
        return mode;
    }

    OptionalLong saveEverySteps()
    {
        return saveEverySteps;
    }

    Optional<Duration> saveEvery()
    {
        return saveEvery;
    }

    OptionalInt saveEveryEpochs()
    {
        return saveEveryEpochs;
    }

    Optional<MonitorSpec> saveBest()
    {
        return saveBest;
    }

    /**
     * {@code --save-budget}: the fraction of training time saving may cost.
     */
    OptionalDouble saveBudget()
    {
        return saveBudget;
    }

    /**
     * {@code --no-save}: train without a checkpointer; nothing is written to the store.
     */
    boolean noSave()
    {
        return noSave;
    }

    OptionalInt keepLast()
    {
        return keepLast;
    }

    OptionalLong keepEverySteps()
    {
        return keepEverySteps;
    }

    Optional<Duration> keepEvery()
    {
        return keepEvery;
    }

    OptionalInt keepBest()
    {
        return keepBest;
    }

    /**
     * The metric {@code --keep-best} ranks by: the {@code --save-best} metric, else loss.
     */
    MonitorSpec keepBestMonitor()
    {
        return saveBest.orElse(new MonitorSpec("loss", MetricMode.MIN));
    }

    boolean sync()
    {
        return sync;
    }

    /**
     * How long after SIGTERM or SIGINT the last save may take before the process exits without it.
     */
    Duration preemptGrace()
    {
        return preemptGrace;
    }

    boolean saveOnFinish()
    {
        return saveOnFinish;
    }

    OptionalLong maxSteps()
    {
        return maxSteps;
    }

    boolean resume()
    {
        return resume;
    }

    Optional<String> run()
    {
        return run;
    }

    /**
     * {@code --init-from}: the checkpoint a new run takes its weights from.
     */
    Optional<InitFromSpec> initFrom()
    {
        return initFrom;
    }

    /**
     * {@code --freeze}: how many of the model's first dense layers stay frozen.
     */
    OptionalInt freeze()
    {
        return freeze;
    }

    boolean json()
    {
        return json;
    }

    /**
     * What Cairn's wiring takes from the flags: the store, the repository to create, the save kind,
     * the save policies, the retention rules and {@code --sync}. The rest is the command line's.
     */
    CairnConfigBuilder cairnConfig()
    {
        CairnConfigBuilder builder = store.config()
                .chunkSize(chunkSize)
                .uploadThreads(uploadThreads)
                .saveKind(mode)
                .saveOnFinish(saveOnFinish)
                .sync(sync);
        onSaveFailure.ifPresent(builder::onSaveFailure);
        saveEverySteps.ifPresent(builder::saveEverySteps);
        saveEvery.ifPresent(builder::saveEvery);
        saveEveryEpochs.ifPresent(builder::saveEveryEpochs);
        saveBest.ifPresent(monitor -> builder.saveBest(monitor.metric(), monitor.mode()));
        saveBudget.ifPresent(builder::saveBudget);
        keepLast.ifPresent(builder::keepLast);
        keepEverySteps.ifPresent(builder::keepEverySteps);
        keepEvery.ifPresent(builder::keepEvery);
        keepBest.ifPresent(builder::keepBest);
        return builder;
    }

    /**
     * One setter per flag. A flag that was not given is left unset, or set to null; the defaults are
     * those of the command line.
     */
    interface Builder
    {
        Builder store(StoreLocation store);

        Builder chunkSize(int chunkSize);

        Builder uploadThreads(int uploadThreads);

        Builder model(ModelSpec model);

        Builder data(DataSpec data);

        Builder epochs(int epochs);

        Builder batchSize(int batchSize);

        Builder seed(long seed);

        Builder mode(SaveKind mode);

        Builder saveEverySteps(Long steps);

        Builder saveEvery(Duration interval);

        Builder saveEveryEpochs(Integer epochs);

        Builder saveBest(MonitorSpec monitor);

        Builder saveBudget(Double budget);

        Builder noSave(boolean noSave);

        Builder keepLast(Integer count);

        Builder keepEverySteps(Long steps);

        Builder keepEvery(Duration interval);

        Builder keepBest(Integer count);

        Builder sync(boolean sync);

        Builder saveOnFinish(boolean saveOnFinish);

        /**
         * @param onSaveFailure null: Cairn's configuration decides ({@code continue} unless set)
         */
        Builder onSaveFailure(OnSaveFailure onSaveFailure);

        Builder preemptGrace(Duration grace);

        Builder maxSteps(Long steps);

        Builder resume(boolean resume);

        Builder run(String run);

        Builder initFrom(InitFromSpec initFrom);

        Builder freeze(Integer layers);

        Builder json(boolean json);

        /**
         * @throws UsageException naming the flag of a value out of range, or of flags that do not go together
         */
        TrainConfig build();
    }
}
