package io.cairn.trainer;

import com.google.inject.Inject;
import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.data.Dataset;
import io.cairn.core.model.Model;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * One {@code cairn train}: builds the model, starts or resumes a run, fits with the checkpoint and
 * progress callbacks, waits for the last saves, and reports.
 */
final class TrainingRun
{
    private final TrainConfig config;
    private final Console console;
    private final CheckpointRepository repository;
    private final SavePolicy savePolicy;
    private final CheckpointerOptions options;
    private final Dataset data;

    @Inject
    TrainingRun(TrainConfig config, Console console, CheckpointRepository repository, SavePolicy savePolicy, CheckpointerOptions options, Dataset data)
    {
        this.config = requireNonNull(config, "config is null");
        this.console = requireNonNull(console, "console is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.savePolicy = requireNonNull(savePolicy, "savePolicy is null");
        this.options = requireNonNull(options, "options is null");
        this.data = requireNonNull(data, "data is null");
    }

    int run()
            throws IOException
    {
        try (repository; Model model = config.model().build(config.seed())) {
            Checkpointer checkpointer = open(model);
            FitResult result;
            try (checkpointer) {
                FitOptions fit = FitOptions.of(config.epochs(), config.batchSize(), config.seed());
                if (config.maxSteps().isPresent()) {
                    fit = fit.withMaxSteps(config.maxSteps().getAsLong());
                }
                if (checkpointer.resumeState().isPresent()) {
                    fit = fit.resumingFrom(checkpointer.resumeState().get());
                }
                CheckpointCallback saves = new CheckpointCallback(checkpointer, savePolicy, config.mode(), config.saveOnFinish());
                result = fit(model, data, fit, List.of(saves, new ProgressCallback(console.err())));
                checkpointer.awaitPending();
            }
            report(checkpointer, result);
            return CairnCommand.OK;
        }
    }

    private Checkpointer open(Model model)
            throws IOException
    {
        String location = repository.store().location().toString();
        if (!config.resume()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, options);
            console.err().println("Starting run " + checkpointer.run() + " in " + location + " (" + model.description() + ", " + data.description() + ")");
            return checkpointer;
        }
        Optional<String> existing = config.run().isPresent() ? config.run() : repository.newestRun();
        Checkpointer checkpointer;
        try {
            checkpointer = Checkpointer.resumeRun(repository, model, options, config.run());
        }
        catch (IllegalArgumentException e) {
            // documented: the named run does not exist, or has only WEIGHTS checkpoints
            throw new UsageException(e.getMessage(), e);
        }
        if (checkpointer.resumedFrom().isPresent()) {
            Manifest from = checkpointer.resumedFrom().get();
            console.err().println("Resuming run " + checkpointer.run() + " from step " + from.step() + " (" + from.kind() + ", epoch " + (from.epoch() + 1) + ")");
        }
        else if (existing.isPresent()) {
            console.err().println("Run " + checkpointer.run() + " has no checkpoint yet: continuing it from the start");
        }
        else {
            console.err().println("Nothing to resume in " + location + ": starting new run " + checkpointer.run());
        }
        return checkpointer;
    }

    private void report(Checkpointer checkpointer, FitResult result)
            throws IOException
    {
        List<Long> saved = checkpointer.committedSteps();
        List<Long> retained = checkpointer.retainedSteps();
        List<Double> stalls = checkpointer.stallMillis();
        double stepsPerSecond = result.trainSeconds() > 0 ? result.stepsRun() / result.trainSeconds() : 0;
        console.err().printf(Locale.ROOT, "Run %s: %d steps in %.2f s (%.0f steps/s); saved %s; kept %s; save stall median %.2f ms, p95 %.2f ms%n",
                checkpointer.run(), result.stepsRun(), result.trainSeconds(), stepsPerSecond, saved, retained, percentile(stalls, 0.5), percentile(stalls, 0.95));
        if (config.json()) {
            List<Double> snapshots = checkpointer.snapshotMillis();
            JsonPrinter.print(console.out(), new JsonDocuments.TrainSummary(
                    checkpointer.run(),
                    checkpointer.resumedFrom().map(Manifest::step).orElse(null),
                    result.finalState().step(),
                    result.trainSeconds(),
                    stepsPerSecond,
                    new JsonDocuments.Stalls(percentile(stalls, 0.5), percentile(stalls, 0.95), stalls.size()),
                    new JsonDocuments.Timings(percentile(snapshots, 0.5), percentile(snapshots, 0.95)),
                    saved,
                    retained,
                    result.metrics()));
        }
    }

    /**
     * {@link Trainer#fit}, where an {@link IllegalArgumentException} before training begins is bad
     * usage: fit checks the data's shape and a resumed run's batch size, seed and data against its
     * options before the first callback, and the fix is in the flags or the data.
     */
    static FitResult fit(Model model, Dataset data, FitOptions options, List<TrainingCallback> callbacks)
    {
        AtomicBoolean began = new AtomicBoolean();
        List<TrainingCallback> hooks = new ArrayList<>();
        hooks.add(new TrainingCallback()
        {
            @Override
            public void onTrainBegin(TrainingLogs logs)
            {
                began.set(true);
            }
        });
        hooks.addAll(callbacks);
        try {
            return new Trainer(model).fit(data, options, hooks);
        }
        catch (IllegalArgumentException e) {
            if (began.get()) {
                throw e;
            }
            throw new UsageException(e.getMessage(), e);
        }
    }

    static double percentile(List<Double> values, double fraction)
    {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(fraction * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
