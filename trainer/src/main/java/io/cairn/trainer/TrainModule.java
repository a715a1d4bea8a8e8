package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.cairn.core.checkpoint.Preemption;
import io.cairn.core.data.Dataset;
import io.cairn.core.train.TrainingCallback;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@code cairn train} adds to Cairn's wiring: its flags, its console, the data, the progress bar,
 * which joins the training callbacks as any program's callback does, and (unless {@code --no-save}) the
 * {@link Preemption} installed as the command line started, bound as {@code Optional<Preemption>}.
 */
final class TrainModule
        extends AbstractModule
{
    private final TrainConfig config;
    private final Console console;
    private final Optional<Preemption> preemption;

    TrainModule(TrainConfig config, Console console, Optional<Preemption> preemption)
    {
        this.config = requireNonNull(config, "config is null");
        this.console = requireNonNull(console, "console is null");
        this.preemption = requireNonNull(preemption, "preemption is null");
    }

    @Override
    protected void configure()
    {
        bind(TrainConfig.class).toInstance(config);
        bind(Console.class).toInstance(console);
        OptionalBinder<Preemption> signals = OptionalBinder.newOptionalBinder(binder(), Preemption.class);
        preemption.ifPresent(installed -> signals.setBinding().toInstance(installed));
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
