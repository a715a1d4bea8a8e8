package io.cairn.trainer;

import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.checkpoint.SaveKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code cairn train}. Unless {@code --no-save}, {@code SIGTERM} and {@code SIGINT} are taken over
 * ({@link Preemption}) as the command line starts, before picocli reads the commands, the wiring opens
 * the store and TensorFlow loads: a signal during that start-up stops training before its first batch,
 * with one {@code STATE} checkpoint of the state it would start from (step 0 of a new run; a resumed run's
 * step is stored already). The grace ({@code --preempt-grace}) counts from the signal. A signal in the
 * JVM's first moments (about 0.2 s here), before the handlers are installed, gets the JVM's default:
 * exit 143 or 130 at once, nothing saved, no run started.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Train a model and checkpoint it while it trains.",
                "Without a save flag, saves every " + TrainConfig.DEFAULT_SAVE_EVERY_STEPS + " steps (--no-save: never); without a keep flag, keeps every checkpoint."})
final class TrainCommand
        implements Callable<Integer>
{
    private final Console console;
    private final Optional<Preemption> preemption;

    @Option(names = "--store", required = true, paramLabel = "URI", description = "Repository: a path, file:/path, s3://bucket/prefix, hdfs://host:port/path.")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    TrainingOptions training;

    @Option(names = "--mode", defaultValue = "full", paramLabel = "full|weights|state", converter = Converters.Mode.class,
            description = "What each save holds (default: ${DEFAULT-VALUE}).")
    SaveKind mode;

    @Option(names = "--save-every-steps", paramLabel = "N", description = "Save every N steps.")
    Long saveEverySteps;

    @Option(names = "--save-every", paramLabel = "DURATION", converter = Converters.SaveEvery.class, description = "Save every DURATION of wall time, e.g. 30s, 5m, PT1H.")
    Duration saveEvery;

    @Option(names = "--save-every-epochs", paramLabel = "N", description = "Save every N epochs.")
    Integer saveEveryEpochs;

    @Option(names = "--save-best", paramLabel = "METRIC[:min|max]", converter = Converters.SaveBest.class, description = "Save at an epoch end when METRIC (loss, accuracy) improves.")
    MonitorSpec saveBest;

    @Option(names = "--save-budget", paramLabel = "PERCENT", converter = Converters.Budget.class,
            description = "Save as often as the measured cost of saving (stall plus slowed steps) stays within PERCENT of training time, e.g. 5%% or 0.05.")
    Double saveBudget;

    @Option(names = "--no-save", description = "Train without saving, a baseline to compare against; the store is not opened.")
    boolean noSave;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the last N checkpoints of the run.")
    Integer keepLast;

    @Option(names = "--keep-every-steps", paramLabel = "N", description = "Keep checkpoints whose step is a multiple of N.")
    Long keepEverySteps;

    @Option(names = "--keep-every", paramLabel = "DURATION", converter = Converters.KeepEvery.class,
            description = "Keep one checkpoint per DURATION of wall time, e.g. 30m, 1h, PT6H: the first, then each one at least DURATION after the last kept.")
    Duration keepEvery;

    @Option(names = "--keep-best", paramLabel = "N", description = "Keep the N best checkpoints by the --save-best metric (else loss).")
    Integer keepBest;

    @Option(names = "--sync", description = "Write each save on the training thread (for comparison).")
    boolean sync;

    @Option(names = "--on-save-failure", paramLabel = "continue|stop", converter = Converters.OnSaveFailure.class,
            description = "After a failed background save: continue training (default; failures are reported and counted, the next save retries) or stop (exit 1).")
    OnSaveFailure onSaveFailure;

    @Option(names = "--preempt-grace", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.PreemptGrace.class,
            description = "On SIGTERM or SIGINT, the time from the signal the last STATE save may take before exiting without it (default: ${DEFAULT-VALUE}). "
                    + "A signal in the JVM's first moments, before cairn handles signals, exits at once without saving.")
    Duration preemptGrace;

    @Option(names = "--save-on-finish", description = "Also save when training ends.")
    boolean saveOnFinish;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after global step N, as if interrupted there.")
    Long maxSteps;

    @Option(names = "--resume", description = "Continue the newest run (or --run); with nothing to resume, start fresh.")
    boolean resume;

    @Option(names = "--run", paramLabel = "ID", description = "With --resume: the run to continue.")
    String run;

    @Option(names = "--init-from", paramLabel = "RUN[@STEP]|latest", converter = Converters.InitFrom.class,
            description = "Start a new run from that checkpoint's weights (RUN alone: its newest; latest: the newest run's newest), as fine-tuning does.")
    InitFromSpec initFrom;

    @Option(names = "--freeze", paramLabel = "N", description = "Keep the first N dense layers frozen: no gradient, no optimizer slots.")
    Integer freeze;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "4MiB", converter = Converters.ChunkSize.class,
            description = "Chunk size of a new repository; an existing one keeps its own (default: ${DEFAULT-VALUE}). Smaller deduplicates finer, larger uploads faster.")
    int chunkSize;

    @Option(names = "--upload-threads", paramLabel = "N", defaultValue = "4", description = "Chunks uploaded (and, on restore, read) in parallel (default: ${DEFAULT-VALUE}).")
    int uploadThreads;

    /**
     * @param preemption the signal handling {@link CairnCommand} installed for this command, when
     * {@link #savesCheckpoints} said so
     */
    TrainCommand(Console console, Optional<Preemption> preemption)
    {
        this.console = requireNonNull(console, "console is null");
        this.preemption = requireNonNull(preemption, "preemption is null");
    }

    /**
     * Whether {@code args} run {@code train} with saving on, told before picocli parses them, so the
     * signals can be taken over first.
     */
    static boolean savesCheckpoints(String[] args)
    {
        return args.length > 0 && args[0].equals("train") && !List.of(args).contains("--no-save");
    }

    @Override
    public Integer call()
            throws Exception
    {
        TrainConfig config = TrainConfig.builder()
                .store(storeOptions.location(store))
                .chunkSize(chunkSize)
                .uploadThreads(uploadThreads)
                .model(training.model)
                .data(training.data)
                .epochs(training.epochs)
                .batchSize(training.batch)
                .seed(training.seed)
                .mode(mode)
                .saveEverySteps(saveEverySteps)
                .saveEvery(saveEvery)
                .saveEveryEpochs(saveEveryEpochs)
                .saveBest(saveBest)
                .saveBudget(saveBudget)
                .noSave(noSave)
                .keepLast(keepLast)
                .keepEverySteps(keepEverySteps)
                .keepEvery(keepEvery)
                .keepBest(keepBest)
                .sync(sync)
                .saveOnFinish(saveOnFinish)
                .onSaveFailure(onSaveFailure)
                .preemptGrace(preemptGrace)
                .maxSteps(maxSteps)
                .resume(resume)
                .run(run)
                .initFrom(initFrom)
                .freeze(freeze)
                .json(json)
                .build();
        if (config.noSave()) {
            // nothing to save: a signal ends the process at once, as the JVM's default does
            preemption.ifPresent(Preemption::close);
            return train(config, Optional.empty());
        }
        // CairnCommand installed it, unless "--no-save" was among the arguments as another option's value
        Preemption signals = preemption.orElseGet(() -> Preemption.install(preemptGrace, console.err()));
        signals.grace(preemptGrace);
        // closed after the wiring: the grace covers closing the store and its pools too
        try (signals) {
            return train(config, Optional.of(signals));
        }
    }

    private int train(TrainConfig config, Optional<Preemption> signals)
            throws IOException
    {
        try (Wiring wiring = Wiring.create(config.cairnConfig(), new TrainModule(config, console, signals))) {
            if (!config.noSave()) {
                wiring.repository();
            }
            return wiring.instance(TrainingRun.class).run();
        }
    }
}
