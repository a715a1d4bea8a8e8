package io.cairn.trainer;

import com.google.inject.Guice;
import io.cairn.core.checkpoint.RepositoryDescriptor;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.store.SettingValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Train a model and checkpoint it while it trains.",
                "Without a save flag, saves every " + TrainConfig.DEFAULT_SAVE_EVERY_STEPS + " steps; without a keep flag, keeps every checkpoint."})
final class TrainCommand
        implements Callable<Integer>
{
    private final Console console;

    @Option(names = "--store", required = true, paramLabel = "URI", description = "Repository: a path, file:/path, s3://bucket/prefix, hdfs://host:port/path.")
    String store;

    @Mixin
    TrainingOptions training;

    @Option(names = "--mode", defaultValue = "full", paramLabel = "full|weights|state", description = "What each save holds (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--save-every-steps", paramLabel = "N", description = "Save every N steps.")
    Long saveEverySteps;

    @Option(names = "--save-every", paramLabel = "DURATION", description = "Save every DURATION of wall time, e.g. 30s, 5m, PT1H.")
    String saveEvery;

    @Option(names = "--save-every-epochs", paramLabel = "N", description = "Save every N epochs.")
    Integer saveEveryEpochs;

    @Option(names = "--save-best", paramLabel = "METRIC[:min|max]", description = "Save at an epoch end when METRIC (loss, accuracy) improves.")
    String saveBest;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the last N checkpoints of the run.")
    Integer keepLast;

    @Option(names = "--keep-every-steps", paramLabel = "N", description = "Keep checkpoints whose step is a multiple of N.")
    Long keepEverySteps;

    @Option(names = "--keep-best", paramLabel = "N", description = "Keep the N best checkpoints by the --save-best metric (else loss).")
    Integer keepBest;

    @Option(names = "--sync", description = "Write each save on the training thread (for comparison).")
    boolean sync;

    @Option(names = "--save-on-finish", description = "Also save when training ends.")
    boolean saveOnFinish;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after global step N, as if interrupted there.")
    Long maxSteps;

    @Option(names = "--resume", description = "Continue the newest run (or --run); with nothing to resume, start fresh.")
    boolean resume;

    @Option(names = "--run", paramLabel = "ID", description = "With --resume: the run to continue.")
    String run;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "4MiB",
            description = "Chunk size of a new repository; an existing one keeps its own (default: ${DEFAULT-VALUE}). Smaller deduplicates finer, larger uploads faster.")
    String chunkSize;

    @Option(names = "--upload-threads", paramLabel = "N", defaultValue = "4", description = "Chunks uploaded (and, on restore, read) in parallel (default: ${DEFAULT-VALUE}).")
    int uploadThreads;

    TrainCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        TrainConfig config = new TrainConfig(
                store,
                training.modelSpec(),
                training.dataSpec(),
                training.epochs(),
                training.batch(),
                training.seed,
                SaveKind.parse(mode),
                saveEverySteps == null ? OptionalLong.empty() : OptionalLong.of(saveEverySteps),
                Optional.ofNullable(saveEvery).map(value -> SettingValues.duration("--save-every", value)),
                saveEveryEpochs == null ? OptionalInt.empty() : OptionalInt.of(saveEveryEpochs),
                Optional.ofNullable(saveBest).map(TrainConfig.Monitor::parse),
                keepLast == null ? OptionalInt.empty() : OptionalInt.of(keepLast),
                keepEverySteps == null ? OptionalLong.empty() : OptionalLong.of(keepEverySteps),
                keepBest == null ? OptionalInt.empty() : OptionalInt.of(keepBest),
                sync,
                saveOnFinish,
                maxSteps == null ? OptionalLong.empty() : OptionalLong.of(maxSteps),
                resume,
                Optional.ofNullable(run),
                json);
        int chunkBytes = (int) SettingValues.bytes("--chunk-size", chunkSize, RepositoryDescriptor.MIN_CHUNK_SIZE, RepositoryDescriptor.MAX_CHUNK_SIZE);
        if (uploadThreads < 1 || uploadThreads > 64) {
            throw new IllegalArgumentException("--upload-threads must be from 1 to 64, got " + uploadThreads);
        }
        return Guice.createInjector(StoreModule.forWriting(store, chunkBytes, uploadThreads), new TrainModule(config, console))
                .getInstance(TrainingRun.class)
                .run();
    }
}
