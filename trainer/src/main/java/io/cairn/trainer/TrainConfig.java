package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.trainer.inject.CairnConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
    static final int MAX_UPLOAD_THREADS = 64;

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
    private final boolean noSave;
    private final OptionalInt keepLast;
    private final OptionalLong keepEverySteps;
    private final Optional<Duration> keepEvery;
    private final OptionalInt keepBest;
    private final boolean sync;
    private final boolean saveOnFinish;
    private final OptionalLong maxSteps;
    private final boolean resume;
    private final Optional<String> run;
    private final Optional<InitFromSpec> initFrom;
    private final OptionalInt freeze;
    private final boolean json;

    private TrainConfig(Builder builder)
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
        this.noSave = builder.noSave;
        this.keepLast = builder.keepLast == null ? OptionalInt.empty() : OptionalInt.of(builder.keepLast);
        this.keepEverySteps = builder.keepEverySteps == null ? OptionalLong.empty() : OptionalLong.of(builder.keepEverySteps);
        this.keepEvery = Optional.ofNullable(builder.keepEvery);
        this.keepBest = builder.keepBest == null ? OptionalInt.empty() : OptionalInt.of(builder.keepBest);
        this.sync = builder.sync;
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
        return new Builder();
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
    CairnConfig.Builder cairnConfig()
    {
        CairnConfig.Builder builder = store.config()
                .chunkSize(chunkSize)
                .uploadThreads(uploadThreads)
                .saveKind(mode)
                .saveOnFinish(saveOnFinish)
                .sync(sync);
        saveEverySteps.ifPresent(builder::saveEverySteps);
        saveEvery.ifPresent(builder::saveEvery);
        saveEveryEpochs.ifPresent(builder::saveEveryEpochs);
        saveBest.ifPresent(monitor -> builder.saveBest(monitor.metric(), monitor.mode()));
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
    static final class Builder
    {
        private StoreLocation store;
        private int chunkSize = RepositoryDescriptor.DEFAULT_CHUNK_SIZE;
        private int uploadThreads = 4;
        private ModelSpec model;
        private DataSpec data;
        private int epochs = 5;
        private int batchSize = 32;
        private long seed = 42;
        private SaveKind mode = SaveKind.FULL;
        private Long saveEverySteps;
        private Duration saveEvery;
        private Integer saveEveryEpochs;
        private MonitorSpec saveBest;
        private boolean noSave;
        private Integer keepLast;
        private Long keepEverySteps;
        private Duration keepEvery;
        private Integer keepBest;
        private boolean sync;
        private boolean saveOnFinish;
        private Long maxSteps;
        private boolean resume;
        private String run;
        private InitFromSpec initFrom;
        private Integer freeze;
        private boolean json;

        private Builder() {}

        Builder store(StoreLocation store)
        {
            this.store = store;
            return this;
        }

        Builder chunkSize(int chunkSize)
        {
            this.chunkSize = chunkSize;
            return this;
        }

        Builder uploadThreads(int uploadThreads)
        {
            this.uploadThreads = uploadThreads;
            return this;
        }

        Builder model(ModelSpec model)
        {
            this.model = model;
            return this;
        }

        Builder data(DataSpec data)
        {
            this.data = data;
            return this;
        }

        Builder epochs(int epochs)
        {
            this.epochs = epochs;
            return this;
        }

        Builder batchSize(int batchSize)
        {
            this.batchSize = batchSize;
            return this;
        }

        Builder seed(long seed)
        {
            this.seed = seed;
            return this;
        }

        Builder mode(SaveKind mode)
        {
            this.mode = mode;
            return this;
        }

        Builder saveEverySteps(Long steps)
        {
            this.saveEverySteps = steps;
            return this;
        }

        Builder saveEvery(Duration interval)
        {
            this.saveEvery = interval;
            return this;
        }

        Builder saveEveryEpochs(Integer epochs)
        {
            this.saveEveryEpochs = epochs;
            return this;
        }

        Builder saveBest(MonitorSpec monitor)
        {
            this.saveBest = monitor;
            return this;
        }

        Builder noSave(boolean noSave)
        {
            this.noSave = noSave;
            return this;
        }

        Builder keepLast(Integer count)
        {
            this.keepLast = count;
            return this;
        }

        Builder keepEverySteps(Long steps)
        {
            this.keepEverySteps = steps;
            return this;
        }

        Builder keepEvery(Duration interval)
        {
            this.keepEvery = interval;
            return this;
        }

        Builder keepBest(Integer count)
        {
            this.keepBest = count;
            return this;
        }

        Builder sync(boolean sync)
        {
            this.sync = sync;
            return this;
        }

        Builder saveOnFinish(boolean saveOnFinish)
        {
            this.saveOnFinish = saveOnFinish;
            return this;
        }

        Builder maxSteps(Long steps)
        {
            this.maxSteps = steps;
            return this;
        }

        Builder resume(boolean resume)
        {
            this.resume = resume;
            return this;
        }

        Builder run(String run)
        {
            this.run = run;
            return this;
        }

        Builder initFrom(InitFromSpec initFrom)
        {
            this.initFrom = initFrom;
            return this;
        }

        Builder freeze(Integer layers)
        {
            this.freeze = layers;
            return this;
        }

        Builder json(boolean json)
        {
            this.json = json;
            return this;
        }

        /**
         * @throws UsageException naming the flag of a value out of range, or of flags that do not go together
         */
        TrainConfig build()
        {
            UsageException.checkAtLeastOne("--epochs", epochs);
            UsageException.checkAtLeastOne("--batch", batchSize);
            checkAtLeastOneIfSet("--save-every-steps", saveEverySteps);
            checkAtLeastOneIfSet("--save-every-epochs", saveEveryEpochs);
            checkAtLeastOneIfSet("--keep-last", keepLast);
            checkAtLeastOneIfSet("--keep-every-steps", keepEverySteps);
            checkAtLeastOneIfSet("--keep-best", keepBest);
            checkAtLeastOneIfSet("--max-steps", maxSteps);
            if (saveEvery != null && (saveEvery.isZero() || saveEvery.isNegative())) {
                throw new UsageException("--save-every must be positive, got " + saveEvery);
            }
            if (keepEvery != null && (keepEvery.isZero() || keepEvery.isNegative())) {
                throw new UsageException("--keep-every must be positive, got " + keepEvery);
            }
            if (uploadThreads < 1 || uploadThreads > MAX_UPLOAD_THREADS) {
                throw new UsageException("--upload-threads must be from 1 to " + MAX_UPLOAD_THREADS + ", got " + uploadThreads);
            }
            if (run != null && !resume) {
                throw new UsageException("--run names the run to continue and needs --resume");
            }
            if (initFrom != null && resume) {
                throw new UsageException("--init-from starts a new run and --resume continues one; drop one of them");
            }
            checkAtLeastOneIfSet("--freeze", freeze);
            if (freeze != null && model != null) {
                int denseLayers = model.sizes().size() - 1;
                if (freeze >= denseLayers) {
                    throw new UsageException("--freeze " + freeze + ": " + model + " has " + denseLayers + " dense layer(s) and at least the last one must train; "
                            + "freeze at most " + (denseLayers - 1));
                }
            }
            if (noSave) {
                checkNotWithNoSave();
            }
            return new TrainConfig(this);
        }

        /**
         * {@code --no-save} starts no run, so a flag about saving, keeping or continuing a run
         * contradicts it.
         */
        private void checkNotWithNoSave()
        {
            Map<String, Boolean> given = new LinkedHashMap<>();
            given.put("--save-every-steps", saveEverySteps != null);
            given.put("--save-every", saveEvery != null);
            given.put("--save-every-epochs", saveEveryEpochs != null);
            given.put("--save-best", saveBest != null);
            given.put("--save-on-finish", saveOnFinish);
            given.put("--sync", sync);
            given.put("--keep-last", keepLast != null);
            given.put("--keep-every-steps", keepEverySteps != null);
            given.put("--keep-every", keepEvery != null);
            given.put("--keep-best", keepBest != null);
            given.put("--resume", resume);
            given.put("--init-from", initFrom != null);
            for (Map.Entry<String, Boolean> flag : given.entrySet()) {
                if (flag.getValue()) {
                    throw new UsageException("--no-save and " + flag.getKey() + " contradict each other: --no-save trains without saving; drop one of them");
                }
            }
        }

        private static void checkAtLeastOneIfSet(String flag, Number value)
        {
            if (value != null) {
                UsageException.checkAtLeastOne(flag, value.longValue());
            }
        }
    }
}
