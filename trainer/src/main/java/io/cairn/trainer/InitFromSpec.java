package io.cairn.trainer;

import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * {@code --init-from latest|RUN|RUN@STEP}: the checkpoint a new run takes its weights from, as
 * fine-tuning does. {@code latest} is the newest checkpoint of the newest run; a run alone, that run's
 * newest checkpoint.
 *
 * @param run the run, empty for the newest
 * @param step the step, empty for the run's newest checkpoint
 */
record InitFromSpec(Optional<String> run, OptionalLong step)
{
    static final String LATEST = "latest";

    InitFromSpec
    {
        requireNonNull(run, "run is null");
        requireNonNull(step, "step is null");
    }

    static InitFromSpec parse(String spec)
    {
        String text = spec.trim();
        int at = text.lastIndexOf('@');
        String run = at < 0 ? text : text.substring(0, at);
        if (run.isEmpty()) {
            throw new IllegalArgumentException("--init-from '" + spec + "' names no run; expected latest, RUN or RUN@STEP");
        }
        OptionalLong step = OptionalLong.empty();
        if (at >= 0) {
            String stepText = text.substring(at + 1);
            try {
                step = OptionalLong.of(Long.parseLong(stepText));
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("--init-from " + spec + ": '" + stepText + "' is not a step; expected latest, RUN or RUN@STEP");
            }
            if (step.getAsLong() < 0) {
                throw new IllegalArgumentException("--init-from " + spec + ": a step is not negative");
            }
        }
        return new InitFromSpec(run.equals(LATEST) ? Optional.empty() : Optional.of(run), step);
    }

    /**
     * The checkpoint this names in the repository.
     *
     * @throws UsageException saying what the repository holds instead: its runs, or the run's steps
     */
    Manifest find(CheckpointRepository repository)
            throws IOException
    {
        String location = repository.store().location().toString();
        List<String> runs = repository.runs();
        if (runs.isEmpty()) {
            throw new UsageException("--init-from " + this + ": " + location + " holds no run to start from; train one first");
        }
        String chosen = run.isPresent() ? run.get() : repository.newestRun().orElseThrow();
        if (!runs.contains(chosen)) {
            throw new UsageException("--init-from " + this + ": there is no run " + chosen + " in " + location + "; runs: " + runs);
        }
        List<Manifest> checkpoints = repository.checkpoints(chosen);
        List<Long> steps = checkpoints.stream().map(Manifest::step).toList();
        if (checkpoints.isEmpty()) {
            throw new UsageException("--init-from " + this + ": run " + chosen + " has no checkpoint; runs: " + runs + ", name one with --init-from RUN[@STEP]");
        }
        if (step.isEmpty()) {
            return checkpoints.get(checkpoints.size() - 1);
        }
        return checkpoints.stream()
                .filter(manifest -> manifest.step() == step.getAsLong())
                .findFirst()
                .orElseThrow(() -> new UsageException("--init-from " + this + ": run " + chosen + " has no checkpoint at step " + step.getAsLong() + "; its steps: " + steps));
    }

    @Override
    public String toString()
    {
        return run.orElse(LATEST) + (step.isPresent() ? "@" + step.getAsLong() : "");
    }
}
