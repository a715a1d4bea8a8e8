package io.cairn.examples;

import io.cairn.core.checkpoint.CheckpointCallback;
import io.cairn.core.checkpoint.CheckpointListener;
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
import io.cairn.core.train.FitResult;
import io.cairn.core.train.Trainer;

import java.io.IOException;
import java.util.List;

import static io.cairn.examples.SeedSetup.BATCH_SIZE;
import static io.cairn.examples.SeedSetup.EPOCHS;
import static io.cairn.examples.SeedSetup.SAVE_EVERY_STEPS;
import static io.cairn.examples.SeedSetup.SEED;

/**
 * Keras example 3 of the three Cairn started from: step-based saves from a callback inside {@code fit}. The Keras version writes its own
 * {@code ModelCheckpointWithStep}; here {@link CheckpointCallback} with an every-50-steps policy is
 * that callback, and its saves also carry the trainer state, so the run can resume exactly.
 *
 * <p>Usage: {@code StepCheckpointCallback [store-uri]} (default {@code file:./checkpoints-example3}).
 */
public final class StepCheckpointCallback
{
    static final String DEFAULT_STORE = "file:./checkpoints-example3";

    private StepCheckpointCallback() {}

    public static void main(String[] args)
            throws IOException
    {
        List<Long> committed = run(SeedSetup.storeUri(args, DEFAULT_STORE));
        System.out.println("Committed full checkpoints at steps " + committed);
    }

    /**
     * @return the steps this run committed
     */
    public static List<Long> run(String storeUri)
            throws IOException
    {
        try (CheckpointStore store = CheckpointStores.discover().open(storeUri);
                CheckpointRepository repository = CheckpointRepository.create(store);
                Model model = SeedSetup.model()) {
            Checkpointer checkpointer = Checkpointer.startRun(repository, model, CheckpointerOptions.defaults());
            FitResult result;
            try (checkpointer) {
                // Keras' verbose=1: say when each save lands (called on the save thread)
                checkpointer.addListener(new CheckpointListener()
                {
                    @Override
                    public void onCommitted(Manifest manifest)
                    {
                        System.out.println("Saved the model at step " + manifest.step() + " to " + store.location());
                    }
                });
                result = new Trainer(model).fit(
                        SeedSetup.data(),
                        FitOptions.of(EPOCHS, BATCH_SIZE, SEED),
                        List.of(new CheckpointCallback(checkpointer, SavePolicies.everySteps(SAVE_EVERY_STEPS), SaveKind.FULL, false)));
            }
            System.out.printf("Trained %d steps in %.2f s; last epoch loss %.4f, accuracy %.4f%n",
                    result.stepsRun(), result.trainSeconds(), result.metrics().get("loss"), result.metrics().get("accuracy"));
            return checkpointer.committedSteps();
        }
    }
}
