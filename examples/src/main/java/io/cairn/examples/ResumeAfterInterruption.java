package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.model.Model;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainerState;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.EPOCHS;
import static io.cairn.examples.SeedSetup.SAVE_EVERY_STEPS;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * Exact resume, what Keras' {@code BackupAndRestore} is for: one run trains the examples' model without
 * a break; another is stopped mid-epoch at step 73 (as a preempted machine would be), then resumed
 * from its checkpoint in a fresh model. Both end with the same weights, to the bit: the optimizer
 * state, the position in the shuffled data and the epoch's running metrics were all in the checkpoint.
 *
 * <p>Usage: {@code ResumeAfterInterruption [store-uri]} (default {@code file:./checkpoints-resume}).
 */
public final class ResumeAfterInterruption
{
    static final String DEFAULT_STORE = "file:./checkpoints-resume";
    static final long INTERRUPTED_AT = 73;

    private ResumeAfterInterruption() {}

    /**
     * @param uninterruptedHash SHA-256 of the final variables of the run that never stopped
     * @param resumedHash SHA-256 of the final variables of the run stopped at step 73 and resumed
     * @param resumedFrom the checkpoint the second run resumed from
     */
    public record Result(String uninterruptedHash, String resumedHash, TrainerState resumedFrom)
    {
        public boolean identical()
        {
            return uninterruptedHash.equals(resumedHash);
        }
    }

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        TrainerState from = result.resumedFrom();
        System.out.printf("Interrupted at step %d (epoch %d, batch %d of 32), resumed from that checkpoint in a fresh model%n",
                from.step(), from.epoch() + 1, from.batchInEpoch());
        System.out.println("Final variables, uninterrupted run: sha256 " + result.uninterruptedHash());
        System.out.println("Final variables, resumed run:       sha256 " + result.resumedHash());
        System.out.println(result.identical() ? "Identical: the resume was exact." : "DIFFERENT: the resume was not exact.");
    }

    public static Result run(String storeUri)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store)) {
            String uninterrupted = train(repository, Optional.empty(), OptionalLong.empty());
            String interrupted = train(repository, Optional.empty(), OptionalLong.of(INTERRUPTED_AT));
            Manifest stoppedAt = repository.latest(interrupted).orElseThrow();
            train(repository, Optional.of(interrupted), OptionalLong.empty());
            return new Result(finalHash(repository, uninterrupted), finalHash(repository, interrupted), stoppedAt.trainerState());
        }
    }

    /**
     * Trains in a fresh model: a new run, or the named run resumed from its newest checkpoint. Saves
     * {@code STATE} every 50 steps and when training ends (or stops at {@code maxSteps}).
     *
     * @return the run
     */
    private static String train(CheckpointRepository repository, Optional<String> resume, OptionalLong maxSteps)
            throws IOException
    {
        try (Model model = SeedSetup.model();
                Checkpointer checkpointer = resume.isPresent()
                        ? Checkpointer.resumeRun(repository, model, CheckpointerOptions.defaults(), resume)
                        : Checkpointer.startRun(repository, model, CheckpointerOptions.defaults())) {
            FitOptions fit = FitOptions.of(EPOCHS, BATCH_SIZE, SEED);
            if (maxSteps.isPresent()) {
                fit = fit.withMaxSteps(maxSteps.getAsLong());
            }
            if (checkpointer.resumeState().isPresent()) {
                fit = fit.resumingFrom(checkpointer.resumeState().get());
            }
            CheckpointCallback saves = new CheckpointCallback(checkpointer, SavePolicies.everySteps(SAVE_EVERY_STEPS), SaveKind.STATE, true);
            new Trainer(model).fit(SeedSetup.data(), fit, List.of(saves));
            return checkpointer.run();
        }
    }

    private static String finalHash(CheckpointRepository repository, String run)
            throws IOException
    {
        Manifest last = repository.latest(run).orElseThrow();
        return last.file("variables/variables.data-00000-of-00001").orElseThrow().sha256();
    }
}
