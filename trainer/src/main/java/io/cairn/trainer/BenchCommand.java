package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.data.Dataset;
import io.cairn.core.internal.FileTrees;
import io.cairn.core.model.Model;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.trainer.inject.CairnConfigBuilder;
import io.cairn.trainer.inject.Checkpointers;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import org.tensorflow.SavedModelBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The side-by-side benchmark: the same training with no saves, with a synchronous SavedModel export
 * on the training thread every N steps (what Keras' {@code ModelCheckpoint} and the Keras examples
 * do), and with Cairn's saves of each kind, synchronous and asynchronous. Each Cairn case writes a
 * fresh repository under {@code --store}, wired as any program wires Cairn ({@link Wiring}).
 *
 * <p>Each saving case also times loading its last save back, the other cost of a checkpoint: a SavedModel is
 * loaded whole by {@code SavedModelBundle.load} (a new graph and session), a Cairn checkpoint is
 * restored into a model already in memory (what continual learning and a resumed run do), reading
 * and verifying every chunk from the store.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the same model with no saves, with Keras-style synchronous SavedModel exports, and with Cairn's saves; compare stall, time and bytes.")
final class BenchCommand
        implements Callable<Integer>
{
    private final Console console;

    @Option(names = "--store", required = true, paramLabel = "URI", description = "Where the Cairn cases write (one new repository per case below it).")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    TrainingOptions training;

    @Option(names = "--save-every-steps", defaultValue = "50", paramLabel = "N", description = "Save interval of every saving case (default: ${DEFAULT-VALUE}).")
    long saveEverySteps;

    @Option(names = "--loads", defaultValue = "3", paramLabel = "N", description = "Times each case loads its last save back; the median is reported (default: ${DEFAULT-VALUE}).")
    int loads;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    boolean json;

    BenchCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        training.check();
        UsageException.checkAtLeastOne("--save-every-steps", saveEverySteps);
        UsageException.checkAtLeastOne("--loads", loads);
        StoreLocation location = storeOptions.location(store);
        Run run = new Run(training.model, training.data.load(training.model, training.seed), training.epochs, training.batch, training.seed);
        String prefix = "bench-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);

        // warm up the JIT and TF once, unreported, so the first case is not penalised
        run.fit(List.of(), 1);

        List<JsonDocuments.BenchCase> results = new ArrayList<>();
        results.add(result("no saves", run.fit(List.of(), run.epochs()), List.of(), 0, 0, List.of()));
        results.add(savedModelExports(run));
        results.add(cairn(run, SaveKind.FULL, true, location.child(prefix + "-full-sync")));
        results.add(cairn(run, SaveKind.FULL, false, location.child(prefix + "-full")));
        results.add(cairn(run, SaveKind.STATE, false, location.child(prefix + "-state")));
        results.add(cairn(run, SaveKind.WEIGHTS, false, location.child(prefix + "-weights")));

        console.err().printf(Locale.ROOT, "%-34s %8s %10s %12s %12s %14s %14s %12s%n", "CASE", "SAVES", "TRAIN s", "STALL med ms", "STALL p95 ms", "WRITTEN bytes", "STORED bytes",
                "LOAD med ms");
        for (JsonDocuments.BenchCase row : results) {
            console.err().printf(Locale.ROOT, "%-34s %8d %10.3f %12.2f %12.2f %14d %14d %12.2f%n", row.name(), row.saves(), row.trainSeconds(),
                    row.stallMedianMillis(), row.stallP95Millis(), row.logicalBytes(), row.storedBytes(), row.loadMedianMillis());
        }
        if (json) {
            JsonPrinter.print(console.out(), new JsonDocuments.BenchReport(training.model.toString(), training.data.toString(), run.epochs(), run.batch(), saveEverySteps, results));
        }
        return CairnCommand.OK;
    }

    private JsonDocuments.BenchCase savedModelExports(Run run)
            throws IOException
    {
        Path directory = Files.createTempDirectory("cairn-bench-savedmodel-");
        List<Double> stalls = new ArrayList<>();
        List<Path> exports = new ArrayList<>();
        try (Model trained = run.model().build(run.seed())) {
            TrainingCallback export = new TrainingCallback()
            {
                @Override
                public void onBatchEnd(TrainingLogs logs)
                {
                    if (logs.step() % saveEverySteps != 0) {
                        return;
                    }
                    long started = System.nanoTime();
                    Path target = directory.resolve("model_step_" + logs.step());
                    try {
                        SavedModelBundle.exporter(target.toString())
                                .withSession(trained.session())
                                .withSignature(trained.servingSignature())
                                .export();
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    stalls.add((System.nanoTime() - started) / 1e6);
                    exports.add(target);
                }
            };
            FitResult result = TrainingRun.fit(trained, run.data(), FitOptions.of(run.epochs(), run.batch(), run.seed()), List.of(export));
            long bytes = treeSize(directory);
            List<Double> loadMillis = new ArrayList<>();
            if (!exports.isEmpty()) {
                String last = exports.get(exports.size() - 1).toString();
                for (int i = 0; i < loads; i++) {
                    long started = System.nanoTime();
                    try (SavedModelBundle bundle = SavedModelBundle.load(last, "serve")) {
                        loadMillis.add((System.nanoTime() - started) / 1e6);
                    }
                }
            }
            return result("SavedModel export per save (sync)", result, stalls, bytes, bytes, loadMillis);
        }
        finally {
            FileTrees.delete(directory);
        }
    }

    private JsonDocuments.BenchCase cairn(Run run, SaveKind kind, boolean sync, StoreLocation location)
            throws IOException
    {
        CairnConfigBuilder config = location.config()
                .saveKind(kind)
                .saveEverySteps(saveEverySteps)
                .sync(sync);
        try (Wiring wiring = Wiring.create(config);
                Model trained = run.model().build(run.seed())) {
            CheckpointRepository repository = wiring.repository();
            Checkpointers checkpointers = wiring.instance(Checkpointers.class);
            Checkpointer checkpointer = checkpointers.startRun(trained);
            FitResult result;
            try (checkpointer) {
                result = TrainingRun.fit(trained, run.data(), FitOptions.of(run.epochs(), run.batch(), run.seed()), checkpointers.callbacks(checkpointer));
                checkpointer.awaitPending();
            }
            List<Manifest> manifests = repository.checkpoints(checkpointer.run());
            long logical = manifests.stream().mapToLong(Manifest::bytes).sum();
            Map<String, Long> chunks = new HashMap<>();
            for (Manifest manifest : manifests) {
                for (Manifest.FileEntry file : manifest.files()) {
                    List<Long> lengths = manifest.chunkLengths(file);
                    for (int i = 0; i < file.chunks().size(); i++) {
                        chunks.put(file.chunks().get(i), lengths.get(i));
                    }
                }
            }
            List<Double> loadMillis = new ArrayList<>();
            if (!manifests.isEmpty()) {
                Manifest last = manifests.get(manifests.size() - 1);
                try (Model restored = run.model().build(run.seed() + 1)) {
                    for (int i = 0; i < loads; i++) {
                        long started = System.nanoTime();
                        repository.restore(last, restored);
                        loadMillis.add((System.nanoTime() - started) / 1e6);
                    }
                }
            }
            String label = "Cairn " + kind + (sync ? " (--sync)" : " (async)");
            return result(label, result, checkpointer.stallMillis(), logical, chunks.values().stream().mapToLong(Long::longValue).sum(), loadMillis);
        }
    }

    /**
     * The training every case repeats.
     */
    private record Run(ModelSpec model, Dataset data, int epochs, int batch, long seed)
    {
        FitResult fit(List<TrainingCallback> callbacks, int epochCount)
        {
            try (Model trained = model.build(seed)) {
                return TrainingRun.fit(trained, data, FitOptions.of(epochCount, batch, seed), callbacks);
            }
        }
    }

    private static JsonDocuments.BenchCase result(String name, FitResult fit, List<Double> stalls, long logicalBytes, long storedBytes, List<Double> loadMillis)
    {
        return new JsonDocuments.BenchCase(name, stalls.size(), fit.trainSeconds(), TrainingRun.percentile(stalls, 0.5), TrainingRun.percentile(stalls, 0.95),
                logicalBytes, storedBytes, TrainingRun.percentile(loadMillis, 0.5));
    }

    /**
     * The URI of a child location: {@code s3://b/p?x=y} and {@code n} give {@code s3://b/p/n?x=y}.
     */
    static String child(String uri, String name)
    {
        int query = uri.indexOf('?');
        String base = query < 0 ? uri : uri.substring(0, query);
        String rest = query < 0 ? "" : uri.substring(query);
        return base.replaceAll("/+$", "") + "/" + name + rest;
    }

    private static long treeSize(Path directory)
            throws IOException
    {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.size(path);
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
