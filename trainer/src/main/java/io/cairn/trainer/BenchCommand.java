package io.cairn.trainer;

import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.trainer.json.BenchDocuments;
import io.cairn.trainer.json.JsonPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cairn bench}: the side-by-side benchmark ({@link BenchCases} says what each case does). One
 * uncounted warm-up round of every case, then {@code --repeat} counted rounds, interleaved with a
 * rotating order; each round ends with one plain write of a FULL save's size through the store. The
 * report ({@link BenchSummary}) gives medians with min-max, ratios to no saves, and advice
 * ({@link BenchAdvice}); {@code --plot} draws it ({@link BenchPlot}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Train the same model with no saves, with Keras-style synchronous SavedModel exports, with Cairn's FULL (--sync and async), STATE and WEIGHTS saves, "
                        + "and fine-tuning from the FULL case's last checkpoint with every layer but the last frozen; compare throughput, stall, bytes and load time.",
                "One warm-up round of every case, then --repeat counted rounds in a rotating order; each figure is the median across rounds (min-max in the table). "
                        + "Each Cairn case writes a new repository below --store and deletes it once measured.",
                "Also measured, for the FULL async saves: persist MB/s (a save's logical bytes over its background time: TF's writer, chunking, hashing, upload and "
                        + "commit, off the training thread), raw write MB/s (one object of a FULL save's size, random bytes, written once per round through the store's own "
                        + "write under --store: local disk a temp file, copy, force and rename; S3 the SDK's put, or multipart upload for large objects; HDFS a temp file, hsync and "
                        + "rename; then deleted), and "
                        + "background CPU seconds per GB (10^9 bytes) saved.",
                "Ends with advice computed from these figures: which kind to save and how often. MB is 10^6 bytes.",
        })
final class BenchCommand
        implements Callable<Integer>
{
    private static final int MAX_REPEAT = 100;

    private final Console console;

    @Option(names = "--store", paramLabel = "URI", description = "Where the Cairn cases write (one new repository per case and round below it). Required unless --from.")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Mixin
    TrainingOptions training;

    @Option(names = "--save-every-steps", defaultValue = "50", paramLabel = "N", description = "Save interval of every saving case (default: ${DEFAULT-VALUE}).")
    long saveEverySteps;

    @Option(names = "--loads", defaultValue = "1", paramLabel = "N", description = "Times each case loads its last save back per round; the median is reported (default: ${DEFAULT-VALUE}).")
    int loads;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Counted rounds of every case after one warm-up round, 1 to 100; medians and min-max are reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "Print the results as JSON on stdout.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "Also draw each case's throughput relative to no saves and its stall per save, as two bar charts in one SVG.")
    Path plot;

    @Option(names = "--from", paramLabel = "RESULTS.json", description = "With --plot: draw from a saved --json output instead of running the bench.")
    Path from;

    BenchCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        if (from != null) {
            if (plot == null) {
                throw new UsageException("--from draws a saved bench; give --plot FILE.svg too");
            }
            BenchPlot.write(BenchPlot.bars(from), "", plot);
            console.err().println("Drew " + plot + " from " + from);
            return CairnCommand.OK;
        }
        if (store == null) {
            throw new UsageException("Missing --store URI: where the Cairn cases write (or --from RESULTS.json with --plot to draw a saved bench)");
        }
        training.check();
        UsageException.checkAtLeastOne("--save-every-steps", saveEverySteps);
        UsageException.checkAtLeastOne("--loads", loads);
        UsageException.checkBetween("--repeat", repeat, 1, MAX_REPEAT);
        StoreLocation location = storeOptions.location(store);
        BenchCases.Training run = new BenchCases.Training(training.model, training.data.load(training.model, training.seed), training.epochs, training.batch, training.seed);
        String prefix = "bench-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        BenchCases benchCases = new BenchCases(run, location, prefix, saveEverySteps, loads);
        List<BenchCases.Case> cases = benchCases.cases();
        List<BenchCases.Case> measured = cases.stream().filter(benchCase -> benchCase.measure() != null).toList();
        if (run.frozenLayers() > 0) {
            console.err().printf(Locale.ROOT, "bench: the fine-tuning case freezes %d of %d dense layers, %.1f %% of the weights%n", run.frozenLayers(), run.frozenLayers() + 1,
                    100 * run.frozenFraction());
        }

        // one warm-up round of every case, not counted, warms the JIT, TF and the store
        Map<String, BenchSample> warmup = new LinkedHashMap<>();
        for (BenchCases.Case benchCase : measured) {
            warmup.putAll(run(benchCase, "warmup"));
        }
        long payload = fullSaveBytes(warmup.get("async"));
        // counted rounds; round r starts at case r and wraps, so slow drift (heat, page cache, GC) falls on every case alike
        Map<String, List<BenchSample>> samples = new LinkedHashMap<>();
        cases.forEach(benchCase -> samples.put(benchCase.key(), new ArrayList<>()));
        List<Double> rawWrites = new ArrayList<>();
        for (int round = 0; round < repeat; round++) {
            String name = "r" + (round + 1);
            for (int i = 0; i < measured.size(); i++) {
                BenchCases.Case benchCase = measured.get((round + i) % measured.size());
                run(benchCase, name).forEach((key, sample) -> samples.get(key).add(sample));
            }
            if (payload > 0) {
                rawWrites.add(benchCases.rawWriteMBps(name, payload));
            }
        }

        BenchDocuments.BenchReport flags = new BenchDocuments.BenchReport(training.model.toString(), training.data.toString(), run.epochs(), run.batch(), saveEverySteps,
                List.of(), repeat, Map.of(), Map.of(), 0, 0, 0, new BenchDocuments.BenchBytes(0, 0, 0), null, new BenchDocuments.BenchRestore(0, 0), 0, List.of());
        BenchDocuments.BenchReport report = BenchSummary.report(flags, cases, samples, rawWrites, run.frozenFraction());
        BenchSummary.print(console, report);
        console.err().println("Advice:");
        report.advice().forEach(line -> console.err().println("  " + line));
        if (plot != null) {
            BenchPlot.write(BenchPlot.bars(report), " (" + report.model() + ")", plot);
            console.err().println("Drew " + plot);
        }
        if (json) {
            JsonPrinter.print(console.out(), report);
        }
        return CairnCommand.OK;
    }

    /**
     * Runs a case once, saying on stderr how long it took: a bench of a large model runs for minutes.
     */
    private Map<String, BenchSample> run(BenchCases.Case benchCase, String round)
            throws IOException
    {
        long started = System.nanoTime();
        Map<String, BenchSample> samples = benchCase.measure().run(round);
        console.err().printf(Locale.ROOT, "bench: %s: %s in %.1f s%n", round.equals("warmup") ? "warm-up round" : "round " + round.substring(1) + " of " + repeat,
                String.join(" and ", samples.keySet()), (System.nanoTime() - started) / 1e9);
        return samples;
    }

    /**
     * The size of the FULL async case's last warm-up save, 0 if it saved nothing.
     */
    private static long fullSaveBytes(BenchSample fullAsync)
    {
        List<CommittedSave> saves = fullAsync == null ? List.of() : fullAsync.committed();
        return saves.isEmpty() ? 0 : saves.get(saves.size() - 1).bytes();
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
}
