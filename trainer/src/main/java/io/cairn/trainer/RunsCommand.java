package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.RunSummary;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List the runs, one line each: start, parent, newest step, checkpoints, bytes referenced and unique, live writer.")
final class RunsCommand
        implements Callable<Integer>
{
    private final Console console;

    @Option(names = "--store", required = true, paramLabel = "URI", description = "Repository: a path, file:/path, s3://bucket/prefix, hdfs://host:port/path.")
    String store;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--json", description = "Print JSON on stdout.")
    boolean json;

    RunsCommand(Console console)
    {
        this.console = console;
    }

    @Override
    public Integer call()
            throws Exception
    {
        try (Wiring wiring = Wiring.forReading(storeOptions.location(store))) {
            CheckpointRepository opened = wiring.repository();
            List<RunSummary> runs = opened.runSummaries();
            if (json) {
                JsonPrinter.print(console.out(), new JsonDocuments.RunsListing(opened.store().location().toString(), runs.stream().map(RunsCommand::document).toList()));
                return CairnCommand.OK;
            }
            console.err().printf(Locale.ROOT, "%-26s %-24s %-34s %10s %5s %-20s %12s %12s  %s%n",
                    "RUN", "STARTED", "PARENT", "NEWEST", "CKPTS", "KINDS", "REFERENCED", "UNIQUE", "WRITER");
            for (RunSummary run : runs) {
                console.err().printf(Locale.ROOT, "%-26s %-24s %-34s %10s %5d %-20s %12d %12d  %s%n",
                        run.run(),
                        run.startedAt().orElse("-"),
                        run.parent().map(Object::toString).orElse("-"),
                        run.newestStep().map(String::valueOf).orElse("-"),
                        run.checkpoints(),
                        run.kinds().isEmpty() ? "-" : run.kinds().stream().map(SaveKind::name).collect(Collectors.joining(",")),
                        run.bytesReferenced(),
                        run.bytesUnique(),
                        run.writer().map(writer -> "live: " + writer.host() + " pid " + writer.pid()).orElse("-"));
            }
            console.err().println(runs.size() + " run(s) in " + opened.store().location());
            return CairnCommand.OK;
        }
    }

    private static JsonDocuments.RunSummary document(RunSummary run)
    {
        return new JsonDocuments.RunSummary(
                run.run(),
                run.startedAt().orElse(null),
                run.parent().map(Object::toString).orElse(null),
                run.newestStep().orElse(null),
                run.checkpoints(),
                run.kinds().stream().map(SaveKind::name).toList(),
                run.bytesReferenced(),
                run.bytesUnique(),
                run.writer().map(writer -> new JsonDocuments.WriterDocument(writer.host(), writer.pid())).orElse(null));
    }
}
