package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CommittedSave;
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
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
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
    private static final int MAX_REPEAT = 100;

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

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Counted rounds of every case after one warm-up round, 1 to 100; medians and min-max are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

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
        UsageException.checkBetween("--repeat", repeat, 1, MAX_REPEAT);
        StoreLocation location = storeOptions.location(store);
        Run run = new Run(training.model, training.data.load(training.model, training.seed), training.epochs, training.batch, training.seed);
        String prefix = "bench-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);

        List<Case> cases = List.of(
                new Case("none", "no saves", (round, runs) -> result(runs.fit(List.of(), runs.epochs()), List.of(), 0, 0, List.of(), List.of())),
                new Case("naive", "SavedModel export per save (sync)", (round, runs) -> savedModelExports(runs)),
                new Case("sync", "Cairn FULL (--sync)", (round, runs) -> cairn(runs, SaveKind.FULL, true, location.child(prefix + "-" + round + "-full-sync"))),
                new Case("async", "Cairn FULL (async)", (round, runs) -> cairn(runs, SaveKind.FULL, false, location.child(prefix + "-" + round + "-full"))),
                new Case("state", "Cairn STATE (async)", (round, runs) -> cairn(runs, SaveKind.STATE, false, location.child(prefix + "-" + round + "-state"))),
                new Case("weights", "Cairn WEIGHTS (async)", (round, runs) -> cairn(runs, SaveKind.WEIGHTS, false, location.child(prefix + "-" + round + "-weights"))));

        // one warm-up round of every case, not counted, warms the JIT, TF and the store
        for (Case benchCase : cases) {
            benchCase.measure().run("warmup", run);
        }
        // counted rounds; round r starts at case r and wraps, so slow drift (heat, page cache, GC) falls on every case alike
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        cases.forEach(benchCase -> samples.put(benchCase.key(), new ArrayList<>()));
        for (int round = 0; round < repeat; round++) {
            for (int i = 0; i < cases.size(); i++) {
                Case benchCase = cases.get((round + i) % cases.size());
                samples.get(benchCase.key()).add(benchCase.measure().run("r" + (round + 1), run));
            }
        }

        double noSaves = median(samples.get("none"), Sample::stepsPerSecond);
        List<JsonDocuments.BenchCase> results = new ArrayList<>();
        Map<String, Double> stepsPerSecond = new LinkedHashMap<>();
        for (Case benchCase : cases) {
            List<Sample> rounds = samples.get(benchCase.key());
            double median = median(rounds, Sample::stepsPerSecond);
            stepsPerSecond.put(benchCase.key(), median);
            results.add(new JsonDocuments.BenchCase(
                    benchCase.name(),
                    rounds.get(0).saves(),
                    median(rounds, Sample::trainSeconds),
                    median(rounds, Sample::stallMedianMillis),
                    median(rounds, Sample::stallP95Millis),
                    Math.round(median(rounds, Sample::logicalBytes)),
                    Math.round(median(rounds, Sample::storedBytes)),
                    median(rounds, Sample::loadMedianMillis),
                    median,
                    noSaves > 0 ? median / noSaves : 0,
                    spread(rounds, Sample::trainSeconds),
                    spread(rounds, Sample::stepsPerSecond),
                    spread(rounds, Sample::stallMedianMillis),
                    spread(rounds, Sample::loadMedianMillis),
                    spread(rounds, Sample::logicalBytes)));
        }

        console.err().printf(Locale.ROOT, "%d rounds after 1 warm-up round; median (min-max) across rounds%n", repeat);
        console.err().printf(Locale.ROOT, "%-34s %8s %22s %24s %8s %24s %12s %14s %14s %24s%n", "CASE", "SAVES", "TRAIN s", "STEPS/s", "x NONE", "STALL med ms", "STALL p95 ms",
                "WRITTEN bytes", "STORED bytes", "LOAD med ms");
        for (JsonDocuments.BenchCase row : results) {
            console.err().printf(Locale.ROOT, "%-34s %8d %22s %24s %8.3f %24s %12.2f %14d %14d %24s%n", row.name(), row.saves(), format(row.trainSecondsSpread(), "%.3f"),
                    format(row.stepsPerSecondSpread(), "%.1f"), row.ratioToNoSaves(), format(row.stallMedianMillisSpread(), "%.2f"), row.stallP95Millis(),
                    row.logicalBytes(), row.storedBytes(), format(row.loadMedianMillisSpread(), "%.2f"));
        }
        if (json) {
            Map<String, JsonDocuments.BenchStall> stallMillis = new LinkedHashMap<>();
            for (int i = 1; i <= 3; i++) {
                stallMillis.put(cases.get(i).key(), new JsonDocuments.BenchStall(results.get(i).stallMedianMillis(), results.get(i).stallP95Millis()));
            }
            JsonPrinter.print(console.out(), new JsonDocuments.BenchReport(training.model.toString(), training.data.toString(), run.epochs(), run.batch(), saveEverySteps, results,
                    repeat, stepsPerSecond, stallMillis, bytesWritten(samples.get("async")),
                    new JsonDocuments.BenchRestore(results.get(3).loadMedianMillis(), results.get(1).loadMedianMillis())));
        }
        return CairnCommand.OK;
    }

    private Sample savedModelExports(Run run)
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
            return result(result, stalls, bytes, bytes, loadMillis, List.of());
        }
        finally {
            FileTrees.delete(directory);
        }
    }

    private Sample cairn(Run run, SaveKind kind, boolean sync, StoreLocation location)
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
            return result(result, checkpointer.stallMillis(), logical, chunks.values().stream().mapToLong(Long::longValue).sum(), loadMillis, checkpointer.committedSaves());
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

    /**
     * A case of the bench: its key in the top-level JSON maps, its name in the table and its measurement.
     */
    private record Case(String key, String name, Measure measure) {}

    @FunctionalInterface
    private interface Measure
    {
        /**
         * Runs the case once; {@code round} names the repositories it writes.
         */
        Sample run(String round, Run run)
                throws IOException;
    }

    /**
     * One round of one case.
     */
    private record Sample(
            double trainSeconds,
            double stepsPerSecond,
            int saves,
            double stallMedianMillis,
            double stallP95Millis,
            long logicalBytes,
            long storedBytes,
            double loadMedianMillis,
            List<CommittedSave> committed) {}

    private static Sample result(FitResult fit, List<Double> stalls, long logicalBytes, long storedBytes, List<Double> loadMillis, List<CommittedSave> committed)
    {
        double stepsPerSecond = fit.trainSeconds() > 0 ? fit.stepsRun() / fit.trainSeconds() : 0;
        return new Sample(fit.trainSeconds(), stepsPerSecond, stalls.size(), TrainingRun.percentile(stalls, 0.5), TrainingRun.percentile(stalls, 0.95),
                logicalBytes, storedBytes, TrainingRun.percentile(loadMillis, 0.5), List.copyOf(committed));
    }

    /**
     * What FULL saves wrote: the first save's new bytes, the median of the later saves' new bytes, and the
     * logical size of one save; each the median across rounds.
     */
    private static JsonDocuments.BenchBytes bytesWritten(List<Sample> rounds)
    {
        List<Double> first = new ArrayList<>();
        List<Double> later = new ArrayList<>();
        List<Double> variable = new ArrayList<>();
        for (Sample sample : rounds) {
            List<CommittedSave> saves = sample.committed();
            if (saves.isEmpty()) {
                continue;
            }
            first.add((double) saves.get(0).bytesAdded());
            variable.add((double) saves.get(saves.size() - 1).bytes());
            if (saves.size() > 1) {
                later.add(TrainingRun.percentile(saves.subList(1, saves.size()).stream().map(save -> (double) save.bytesAdded()).toList(), 0.5));
            }
        }
        return new JsonDocuments.BenchBytes(Math.round(TrainingRun.percentile(first, 0.5)), Math.round(TrainingRun.percentile(later, 0.5)),
                Math.round(TrainingRun.percentile(variable, 0.5)));
    }

    private static double median(List<Sample> rounds, ToDoubleFunction<Sample> figure)
    {
        return TrainingRun.percentile(rounds.stream().map(figure::applyAsDouble).toList(), 0.5);
    }

    private static JsonDocuments.Spread spread(List<Sample> rounds, ToDoubleFunction<Sample> figure)
    {
        DoubleSummaryStatistics statistics = rounds.stream().mapToDouble(figure).summaryStatistics();
        return new JsonDocuments.Spread(median(rounds, figure), statistics.getMin(), statistics.getMax());
    }

    private static String format(JsonDocuments.Spread spread, String number)
    {
        return String.format(Locale.ROOT, number + " (" + number + "-" + number + ")", spread.median(), spread.min(), spread.max());
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
