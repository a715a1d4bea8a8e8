package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.data.Dataset;
import io.cairn.core.train.TrainingCallback;
import jakarta.inject.Singleton;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * What {@code cairn train} adds to Cairn's wiring: its flags, its console, the data, and the progress
 * bar, which joins the training callbacks as any program's callback does.
 */
final class TrainModule
        extends AbstractModule
{
    private final TrainConfig config;
    private final Console console;

    TrainModule(TrainConfig config, Console console)
    {
        this.config = requireNonNull(config, "config is null");
        this.console = requireNonNull(console, "console is null");
    }

    @Override
    protected void configure()
    {
        bind(TrainConfig.class).toInstance(config);
        bind(Console.class).toInstance(console);
        Multibinder.newSetBinder(binder(), TrainingCallback.class).addBinding().toInstance(new ProgressCallback(console.err()));
    }

    @Provides
    @Singleton
    Dataset dataset()
            throws IOException
    {
        return config.data().load(config.model(), config.seed());
    }
}
