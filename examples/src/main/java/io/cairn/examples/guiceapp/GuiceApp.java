package io.cairn.examples.guiceapp;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.examples.customstore.XorCheckpointStoreProvider;
import io.cairn.trainer.inject.CairnConfig;
import io.cairn.trainer.inject.CairnModule;
import io.cairn.trainer.inject.CairnRuntime;
import io.cairn.trainer.inject.Checkpointers;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * A user's application wired with Guice: an injector made of Cairn's public {@link CairnModule} and one
 * module of the application's own, which adds a training callback and a store provider through
 * Cairn's {@code Multibinder}s. The checkpointing comes injected ({@link Checkpointers}), and one
 * {@link CairnRuntime#close()} closes what the injector opened. The examples' pom chooses
 * {@code cairn-storage-local} as its only store module, so no AWS SDK or Hadoop client comes along.
 *
 * <p>Usage: {@code GuiceApp [store-uri]} (default {@code file:./checkpoints-guice-app}); an
 * {@code xor:} URI goes through the custom store bound below.
 */
public final class GuiceApp
{
    static final String DEFAULT_STORE = "file:./checkpoints-guice-app";

    private GuiceApp() {}

    /**
     * @param committed the steps the run saved
     * @param retained the steps keep-last 2 left
     * @param epochsSeen the epochs the application's own callback heard about
     */
    public record Result(String run, List<Long> committed, List<Long> retained, int epochsSeen) {}

    public static void main(String[] args)
            throws IOException
    {
        Result result = run(args.length > 0 ? args[0] : DEFAULT_STORE, System.out);
        System.out.println("Run " + result.run() + " saved steps " + result.committed() + " and kept " + result.retained());
    }

    public static Result run(String storeUri, PrintStream out)
            throws IOException
    {
        CairnConfig config = CairnConfig.builder()
                .storeUri(storeUri)
                .saveEverySteps(50)
                .keepLast(2)
                .build();
        Injector injector = Guice.createInjector(new CairnModule(config), new ApplicationModule(out));
        try (CairnRuntime cairn = injector.getInstance(CairnRuntime.class);
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            Checkpointers checkpointers = injector.getInstance(Checkpointers.class);
            try (Checkpointer checkpointer = checkpointers.startRun(model)) {
                new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(5, 32, 42), checkpointers.callbacks(checkpointer));
                checkpointer.awaitPending();
                return new Result(checkpointer.run(), checkpointer.committedSteps(), checkpointer.retainedSteps(),
                        injector.getInstance(EpochPrinter.class).epochs);
            }
        }
    }

    /**
     * The application's own bindings: a callback of its own, and a store provider bound explicitly (a
     * provider can equally come from a {@code provides} clause; bound here, it wins over that one).
     */
    static final class ApplicationModule
            extends AbstractModule
    {
        private final PrintStream out;

        ApplicationModule(PrintStream out)
        {
            this.out = out;
        }

        @Override
        protected void configure()
        {
            bind(PrintStream.class).toInstance(out);
            bind(EpochPrinter.class).asEagerSingleton();
            Multibinder.newSetBinder(binder(), TrainingCallback.class).addBinding().to(EpochPrinter.class);
            Multibinder.newSetBinder(binder(), CheckpointStoreProvider.class).addBinding().to(XorCheckpointStoreProvider.class);
        }
    }

    /**
     * Prints each epoch's metrics, as Keras' verbose fit does.
     */
    public static final class EpochPrinter
            implements TrainingCallback
    {
        private final PrintStream out;
        private int epochs;

        @Inject
        public EpochPrinter(PrintStream out)
        {
            this.out = out;
        }

        @Override
        public void onEpochEnd(TrainingLogs logs)
        {
            epochs++;
            out.println("Epoch " + (logs.epoch() + 1) + ": " + logs.metrics());
        }
    }
}
