package io.cairn.trainer.readme;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.trainer.inject.CairnConfig;
import io.cairn.trainer.inject.CairnModule;
import io.cairn.trainer.inject.CairnRuntime;
import io.cairn.trainer.inject.Checkpointers;

import java.io.IOException;

/**
 * The README's "Wire it with Guice" snippet is the body of {@link #main}: {@link TestTrainWithGuice}
 * runs it and checks that the README shows this code. It lives outside the wiring's package, so it
 * can use only the public API.
 */
public final class TrainWithGuice
{
    private TrainWithGuice() {}

    public static void main(String[] args)
            throws IOException
    {
        CairnConfig config = CairnConfig.builder()
                .fromEnvironment()                  // CAIRN_STORE, CAIRN_KEEP_LAST...; the values below win
                .storeUri(args[0])                  // file:./ckpt, s3://bucket/prefix, hdfs://namenode:8020/path
                .saveEverySteps(50)
                .keepLast(2)
                .build();
        Injector injector = Guice.createInjector(new CairnModule(config), new AbstractModule()
        {
            @Override
            protected void configure()
            {
                // your own callbacks run after Cairn's
                Multibinder.newSetBinder(binder(), TrainingCallback.class).addBinding().to(EpochPrinter.class);
            }
        });
        try (CairnRuntime cairn = injector.getInstance(CairnRuntime.class);
                Model model = Sequential.mlp(100, 10, 5).seed(42).build()) {
            model.initialize();
            Checkpointers checkpointers = injector.getInstance(Checkpointers.class);
            try (Checkpointer checkpointer = checkpointers.startRun(model)) {
                new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(5, 32, 42), checkpointers.callbacks(checkpointer));
            }   // waits for the pending saves
        }   // closes the repository and its store
    }

    public static final class EpochPrinter
            implements TrainingCallback
    {
        @Override
        public void onEpochEnd(TrainingLogs logs)
        {
            System.out.println("epoch " + (logs.epoch() + 1) + ": " + logs.metrics());
        }
    }
}
