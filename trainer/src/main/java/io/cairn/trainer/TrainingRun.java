package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.CommittedSave;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.checkpoint.SaveBudget;
import io.cairn.core.data.Dataset;
import io.cairn.core.model.Model;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.trainer.inject.Checkpointers;
import io.cairn.trainer.json.JsonDocuments;
import io.cairn.trainer.json.JsonPrinter;
import io.cairn.trainer.json.Preempted;
import io.cairn.trainer.json.SaveBudgetCadence;
import jakarta.inject.Inject;
import jakarta.inject.Provider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * One {@code cairn train}: builds the model, starts or resumes a run with the injected
 * {@link Checkpointers}, fits with their callbacks (the checkpoint callback, then the progress bar),
 * waits for the last saves, and reports. The store and repository are the injector's to close, the
 * {@link Preemption} the command's: it was installed before the wiring, so a signal during start-up
 * stops {@code fit} before its first batch, with a last save of the state it starts from.
 */
final class TrainingRun
{
    private final TrainConfig config;
    private final Console console;
    private final Provider<CheckpointRepository> repositories;
    private final Provider<Checkpointers> checkpointerFactories;
    private final Provider<CheckpointerOptions> options;
    private final Provider<Set<TrainingCallback>> callbacks;
    private final Dataset data;
    private final Optional<Preemption> signals;

    // providers: with --no-save the store is never opened
    @Inject
    TrainingRun(TrainConfig config, Console console, Provider<CheckpointRepository> repositories, Provider<Checkpointers> checkpointerFactories,
            Provider<CheckpointerOptions> options, Provider<Set<TrainingCallback>> callbacks, Dataset data, Optional<Preemption> signals)
    {
        this.config = requireNonNull(config, "config is null");
        this.console = requireNonNull(console, "console is null");
        this.repositories = requireNonNull(repositories, "repositories is null");
        this.checkpointerFactories = requireNonNull(checkpointerFactories, "checkpointerFactories is null");
        this.options = requireNonNull(options, "options is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
        this.data = requireNonNull(data, "data is null");
        this.signals = requireNonNull(signals, "signals is null");
    }

    int run()
            throws IOException
    {
        try (Model model = config.model().build(config.seed(), config.freeze().orElse(0))) {
            if (config.noSave()) {
                return trainWithoutSaving(model);
            }
            return train(model, signals.orElseThrow(() -> new IllegalStateException("cairn train saves without a Preemption bound")));
        }
    }

    private int train(Model model, Preemption preemption)
            throws IOException
    {
        Checkpointer checkpointer = open(model);
        FitResult result;
        Optional<SaveBudget> budget;
        try (checkpointer) {
            checkpointer.addListener(new SaveFailureReport(console.err(), checkpointer.repository().store().location().toString(),
                    options.get().onSaveFailure()));
            FitOptions fit = fitOptions();
            if (checkpointer.resumeState().isPresent()) {
                fit = fit.resumingFrom(checkpointer.resumeState().get());
            }
            List<TrainingCallback> hooks = checkpointerFactories.get().callbacks(checkpointer, Optional.of(preemption));
            budget = hooks.stream()
                    .filter(CheckpointCallback.class::isInstance)
                    .flatMap(hook -> SaveBudget.in(((CheckpointCallback) hook).policy()).stream())
                    .findFirst();
            result = fit(model, data, fit, hooks);
            checkpointer.awaitPending();
        }
        // the lease is released: a preempted run can be resumed at once
        Optional<Preempted> preempted = preemption.savedStep().isPresent()
                ? Optional.of(new Preempted(preemption.signal().orElseThrow(), preemption.savedStep().getAsLong()))
                : Optional.empty();
        report(checkpointer, result, budget, preempted);
        if (preempted.isPresent()) {
            console.err().println(preemptedLine(checkpointer, result, preempted.get()));
            return preemption.exitCode();
        }
        return CairnCommand.OK;
    }

    private static String preemptedLine(Checkpointer checkpointer, FitResult result, Preempted preempted)
    {
        String by = "Preempted by SIG" + preempted.signal() + (result.stepsRun() == 0 ? " before the first step" : "");
        long step = preempted.savedStep();
        // stopped where it resumed: the checkpoint it resumed from holds that state, and a step is committed once
        if (checkpointer.resumedFrom().map(Manifest::step).equals(Optional.of(step)) && !checkpointer.committedSteps().contains(step)) {
            return by + ": the checkpoint of run " + checkpointer.run() + " at step " + step + ", which it resumed from, already holds this state (nothing new to save); "
                    + "released its lease; continue with --resume";
        }
        return by + ": saved a resumable checkpoint of run " + checkpointer.run() + " at step " + step + " and released its lease; continue with --resume";
    }

    /**
     * {@code --no-save}: the program's callbacks (the progress bar) and no checkpointer, so no run
     * is started and nothing is written to the store.
     */
    private int trainWithoutSaving(Model model)
            throws IOException
    {
        console.err().println("Training without saving (--no-save): " + model.description() + ", " + data.description());
        FitResult result = fit(model, data, fitOptions(), List.copyOf(callbacks.get()));
        double stepsPerSecond = stepsPerSecond(result);
        console.err().printf(Locale.ROOT, "Trained without saving: %d steps in %.2f s (%.0f steps/s)%n", result.stepsRun(), result.trainSeconds(), stepsPerSecond);
        if (config.json()) {
            JsonPrinter.print(console.out(), new JsonDocuments.TrainSummary(
                    null,
                    null,
                    null,
                    result.finalState().step(),
                    result.trainSeconds(),
                    stepsPerSecond,
                    new JsonDocuments.Stalls(0, 0, 0),
                    new JsonDocuments.Timings(0, 0),
                    List.of(),
                    List.of(),
                    List.of(),
                    result.metrics()));
        }
        return CairnCommand.OK;
    }

    private FitOptions fitOptions()
    {
        FitOptions fit = FitOptions.of(config.epochs(), config.batchSize(), config.seed());
        if (config.maxSteps().isPresent()) {
            fit = fit.withMaxSteps(config.maxSteps().getAsLong());
        }
        return fit;
    }

    private Checkpointer open(Model model)
            throws IOException
    {
        CheckpointRepository repository = repositories.get();
        Checkpointers checkpointers = checkpointerFactories.get();
        String location = repository.store().location().toString();
        if (config.initFrom().isPresent()) {
            Manifest parent = config.initFrom().get().find(repository);
            Checkpointer checkpointer = checkpointers.startRunFrom(model, parent);
            console.err().println("Starting run " + checkpointer.run() + " from checkpoint " + Manifest.InitFrom.of(parent) + " (" + parent.kind() + ") in " + location
                    + " (" + model.description() + ", " + data.description() + ")");
            return checkpointer;
        }
        if (!config.resume()) {
            Checkpointer checkpointer = checkpointers.startRun(model);
            console.err().println("Starting run " + checkpointer.run() + " in " + location + " (" + model.description() + ", " + data.description() + ")");
            return checkpointer;
        }
        Optional<String> existing = config.run().isPresent() ? config.run() : repository.newestRun();
        Checkpointer checkpointer;
        try {
            checkpointer = config.run().isPresent() ? checkpointers.resume(model, config.run().get()) : checkpointers.resume(model);
        }
        catch (IllegalArgumentException e) {
            // documented: the named run does not exist, or has only WEIGHTS checkpoints
            throw new UsageException(e.getMessage(), e);
        }
        if (checkpointer.resumedFrom().isPresent()) {
            Manifest from = checkpointer.resumedFrom().get();
            checkpointer.skipped().forEach(skipped -> console.err().println("Skipped the damaged checkpoint of run " + skipped.run() + " at step " + skipped.step()
                    + ": " + skipped.reason()));
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

    private void report(Checkpointer checkpointer, FitResult result, Optional<SaveBudget> budget, Optional<Preempted> preempted)
            throws IOException
    {
        List<Long> saved = checkpointer.committedSteps();
        List<Long> retained = checkpointer.retainedSteps();
        List<Double> stalls = checkpointer.stallMillis();
        List<CommittedSave> saves = checkpointer.committedSaves();
        double stepsPerSecond = stepsPerSecond(result);
        List<Long> added = saves.stream().map(CommittedSave::bytesAdded).toList();
        String from = checkpointer.initFrom().map(parent -> " (from " + parent + ")").orElse("");
        console.err().printf(Locale.ROOT, "Run %s%s: %d steps in %.2f s (%.0f steps/s); saved %s, adding %s bytes; kept %s; save stall median %.2f ms, p95 %.2f ms%n",
                checkpointer.run(), from, result.stepsRun(), result.trainSeconds(), stepsPerSecond, saved, added, retained, percentile(stalls, 0.5), percentile(stalls, 0.95));
        if (checkpointer.failedSaves() > 0) {
            console.err().println("WARN: " + checkpointer.failedSaves() + " save(s) of run " + checkpointer.run() + " failed; the checkpoints above are the ones stored");
        }
        budget.ifPresent(chosen -> console.err().printf(Locale.ROOT, "Save budget %.1f%%: saved every %s steps, measured cost %.1f%% of training time, next interval %d steps%n",
                chosen.budget() * 100, chosen.intervals(), chosen.measuredCost() * 100, chosen.nextInterval()));
        if (config.json()) {
            List<Double> snapshots = checkpointer.snapshotMillis();
            JsonPrinter.print(console.out(), new JsonDocuments.TrainSummary(
                    checkpointer.run(),
                    checkpointer.resumedFrom().map(Manifest::step).orElse(null),
                    checkpointer.initFrom().map(Manifest.InitFrom::toString).orElse(null),
                    result.finalState().step(),
                    result.trainSeconds(),
                    stepsPerSecond,
                    new JsonDocuments.Stalls(percentile(stalls, 0.5), percentile(stalls, 0.95), stalls.size()),
                    new JsonDocuments.Timings(percentile(snapshots, 0.5), percentile(snapshots, 0.95)),
                    saved,
                    saves.stream().map(save -> new JsonDocuments.SaveBytes(save.step(), save.bytes(), save.bytesAdded())).toList(),
                    retained,
                    result.metrics(),
                    budget.map(chosen -> new SaveBudgetCadence(chosen.budget(), chosen.saves(), chosen.intervals(), chosen.nextInterval(),
                            chosen.measuredCost(), chosen.stepMillis())).orElse(null),
                    checkpointer.failedSaves(),
                    preempted.orElse(null)));
        }
    }

    private static double stepsPerSecond(FitResult result)
    {
        return result.trainSeconds() > 0 ? result.stepsRun() / result.trainSeconds() : 0;
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
