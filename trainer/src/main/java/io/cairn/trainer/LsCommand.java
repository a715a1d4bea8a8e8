package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.DamagedCheckpoint;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the committed checkpoints, by run then step; a damaged one is marked DAMAGED (exit 0, a WARNING line on stderr).")
final class LsCommand
        implements Callable<Integer>
{
    private final Console console;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--all-runs", description = "Every run's checkpoints, each run under a line of its own (the default lists every run's too, in one table).")
    boolean allRuns;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    LsCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        if (allRuns && repository.run != null) {
            throw new UsageException("--all-runs lists every run; leave out --run " + repository.run + ", or --all-runs to list one run");
        }
        try (Wiring wiring = repository.wire()) {
            CheckpointRepository opened = wiring.repository();
            List<Manifest> checkpoints = repository.checkpoints(opened);
            List<DamagedCheckpoint> damaged = repository.run == null ? opened.damagedCheckpoints() : opened.damagedCheckpoints(repository.run(opened));
            PrintStream err = console.err();
            if (json) {
                JsonPrinter.print(console.out(), JsonDocuments.Listing.of(opened.store().location().toString(), checkpoints, damaged));
                warn(err, damaged);
                return CairnCommand.OK;
            }
            Map<String, List<Manifest>> byRun = new LinkedHashMap<>();
            if (allRuns) {
                // a run with no checkpoint yet (its first save in flight) is listed too
                opened.runs().forEach(run -> byRun.put(run, new ArrayList<>()));
            }
            checkpoints.forEach(manifest -> byRun.computeIfAbsent(manifest.run(), run -> new ArrayList<>()).add(manifest));
            damaged.forEach(bad -> byRun.computeIfAbsent(bad.run(), run -> new ArrayList<>()));
            if (!allRuns) {
                header(err);
            }
            for (Map.Entry<String, List<Manifest>> run : byRun.entrySet()) {
                Optional<Manifest.InitFrom> parent = run.getValue().stream().reduce((first, second) -> second).flatMap(Manifest::initFromIfPresent);
                List<DamagedCheckpoint> damagedOfRun = damaged.stream().filter(bad -> bad.run().equals(run.getKey())).toList();
                if (allRuns) {
                    err.println();
                    err.println("Run " + run.getKey() + parent.map(from -> ", fine-tuned from " + from).orElse("") + ": " + run.getValue().size() + " checkpoint(s)"
                            + (damagedOfRun.isEmpty() ? "" : ", " + damagedOfRun.size() + " damaged"));
                    if (!run.getValue().isEmpty() || !damagedOfRun.isEmpty()) {
                        header(err);
                    }
                }
                // by step, the damaged ones in their place
                Map<Long, String> rows = new TreeMap<>();
                for (Manifest manifest : run.getValue()) {
                    rows.put(manifest.step(), String.format(Locale.ROOT, "%-26s %10d %6d %-8s %-24s %12d  %s", manifest.run(), manifest.step(), Epochs.takenIn(manifest),
                            manifest.kind(), manifest.createdAt(), manifest.bytes(), manifest.metrics()));
                }
                for (DamagedCheckpoint bad : damagedOfRun) {
                    rows.put(bad.step(), String.format(Locale.ROOT, "%-26s %10d %6s %-8s %s", bad.run(), bad.step(), "-", "DAMAGED", bad.reason()));
                }
                rows.values().forEach(err::println);
            }
            if (!allRuns) {
                byRun.forEach((run, manifests) -> manifests.stream().reduce((first, second) -> second).flatMap(Manifest::initFromIfPresent)
                        .ifPresent(parent -> err.println("Run " + run + " was fine-tuned from " + parent)));
            }
            err.println(checkpoints.size() + " checkpoint(s) of " + byRun.size() + " run(s) in " + opened.store().location());
            warn(err, damaged);
            return CairnCommand.OK;
        }
    }

    /**
     * ls exits 0 with damage: it listed what is intact, and a script reading its JSON sees the
     * {@code damaged} entries; {@code cairn verify} is the command whose exit code says "damaged".
     */
    private static void warn(PrintStream err, List<DamagedCheckpoint> damaged)
    {
        if (!damaged.isEmpty()) {
            err.println("WARNING: " + damaged.size() + " damaged checkpoint(s) not listed as checkpoints: "
                    + damaged.stream().map(bad -> "run " + bad.run() + " step " + bad.step()).toList()
                    + "; `cairn verify` checks every object, `cairn train --resume` falls back past them");
        }
    }

    private static void header(PrintStream err)
    {
        err.printf(Locale.ROOT, "%-26s %10s %6s %-8s %-24s %12s  %s%n", "RUN", "STEP", "EPOCH", "KIND", "CREATED", "BYTES", "METRICS");
    }
}
