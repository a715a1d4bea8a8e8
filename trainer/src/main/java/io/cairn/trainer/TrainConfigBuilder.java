package io.cairn.trainer;

import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.checkpoint.SaveKind;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags of {@code cairn train} as they are set, with the command line's defaults; {@link #build()}
 * checks the values and how they combine, naming the flag of anything wrong.
 */
final class TrainConfigBuilder implements TrainConfig.Builder
{
    static final int MAX_UPLOAD_THREADS = 64;

    StoreLocation store;
    int chunkSize = RepositoryDescriptor.DEFAULT_CHUNK_SIZE;
    int uploadThreads = 4;
    ModelSpec model;
    DataSpec data;
    int epochs = 5;
    int batchSize = 32;
    long seed = 42;
    SaveKind mode = SaveKind.FULL;
    Long saveEverySteps;
    Duration saveEvery;
    Integer saveEveryEpochs;
    MonitorSpec saveBest;
    Double saveBudget;
    boolean noSave;
    Integer keepLast;
    Long keepEverySteps;
    Duration keepEvery;
    Integer keepBest;
    boolean sync;
    OnSaveFailure onSaveFailure;
    Duration preemptGrace = Preemption.DEFAULT_GRACE;
    boolean saveOnFinish;
    Long maxSteps;
    boolean resume;
    String run;
    InitFromSpec initFrom;
    Integer freeze;
    boolean json;

    TrainConfigBuilder() {}

    @Override
    public TrainConfig.Builder store(StoreLocation store)
    {
        this.store = store;
        return this;
    }

    @Override
    public TrainConfig.Builder chunkSize(int chunkSize)
    {
        this.chunkSize = chunkSize;
        return this;
    }

    @Override
    public TrainConfig.Builder uploadThreads(int uploadThreads)
    {
        this.uploadThreads = uploadThreads;
        return this;
    }

    @Override
    public TrainConfig.Builder model(ModelSpec model)
    {
        this.model = model;
        return this;
    }

    @Override
    public TrainConfig.Builder data(DataSpec data)
    {
        this.data = data;
        return this;
    }

    @Override
    public TrainConfig.Builder epochs(int epochs)
    {
        this.epochs = epochs;
        return this;
    }

    @Override
    public TrainConfig.Builder batchSize(int batchSize)
    {
        this.batchSize = batchSize;
        return this;
    }

    @Override
    public TrainConfig.Builder seed(long seed)
    {
        this.seed = seed;
        return this;
    }

    @Override
    public TrainConfig.Builder mode(SaveKind mode)
    {
        this.mode = mode;
        return this;
    }

    @Override
    public TrainConfig.Builder saveEverySteps(Long steps)
    {
        this.saveEverySteps = steps;
        return this;
    }

    @Override
    public TrainConfig.Builder saveEvery(Duration interval)
    {
        this.saveEvery = interval;
        return this;
    }

    @Override
    public TrainConfig.Builder saveEveryEpochs(Integer epochs)
    {
        this.saveEveryEpochs = epochs;
        return this;
    }

    @Override
    public TrainConfig.Builder saveBest(MonitorSpec monitor)
    {
        this.saveBest = monitor;
        return this;
    }

    @Override
    public TrainConfig.Builder saveBudget(Double budget)
    {
        this.saveBudget = budget;
        return this;
    }

    @Override
    public TrainConfig.Builder noSave(boolean noSave)
    {
        this.noSave = noSave;
        return this;
    }

    @Override
    public TrainConfig.Builder keepLast(Integer count)
    {
        this.keepLast = count;
        return this;
    }

    @Override
    public TrainConfig.Builder keepEverySteps(Long steps)
    {
        this.keepEverySteps = steps;
        return this;
    }

    @Override
    public TrainConfig.Builder keepEvery(Duration interval)
    {
        this.keepEvery = interval;
        return this;
    }

    @Override
    public TrainConfig.Builder keepBest(Integer count)
    {
        this.keepBest = count;
        return this;
    }

    @Override
    public TrainConfig.Builder sync(boolean sync)
    {
        this.sync = sync;
        return this;
    }

    @Override
    public TrainConfig.Builder onSaveFailure(OnSaveFailure onSaveFailure)
    {
        this.onSaveFailure = onSaveFailure;
        return this;
    }

    @Override
    public TrainConfig.Builder preemptGrace(Duration grace)
    {
        this.preemptGrace = grace;
        return this;
    }

    @Override
    public TrainConfig.Builder saveOnFinish(boolean saveOnFinish)
    {
        this.saveOnFinish = saveOnFinish;
        return this;
    }

    @Override
    public TrainConfig.Builder maxSteps(Long steps)
    {
        this.maxSteps = steps;
        return this;
    }

    @Override
    public TrainConfig.Builder resume(boolean resume)
    {
        this.resume = resume;
        return this;
    }

    @Override
    public TrainConfig.Builder run(String run)
    {
        this.run = run;
        return this;
    }

    @Override
    public TrainConfig.Builder initFrom(InitFromSpec initFrom)
    {
        this.initFrom = initFrom;
        return this;
    }

    @Override
    public TrainConfig.Builder freeze(Integer layers)
    {
        this.freeze = layers;
        return this;
    }

    @Override
    public TrainConfig.Builder json(boolean json)
    {
        this.json = json;
        return this;
    }

    @Override
    public TrainConfig build()
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
        if (saveBudget != null && !(saveBudget > 0 && saveBudget < 1)) {
            throw new UsageException("--save-budget must be more than 0% and less than 100% of training time, got " + saveBudget);
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
        given.put("--save-budget", saveBudget != null);
        given.put("--save-on-finish", saveOnFinish);
        given.put("--sync", sync);
        given.put("--on-save-failure", onSaveFailure != null);
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
