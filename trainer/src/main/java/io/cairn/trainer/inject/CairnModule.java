package io.cairn.trainer.inject;

import com.google.inject.AbstractModule;

import static java.util.Objects.requireNonNull;

/**
 * Cairn's Guice wiring, configured by a {@link CairnConfig}. It binds:
 * <ul>
 * <li>{@code Set<CheckpointStoreProvider>}, a {@code Multibinder} holding the providers
 * {@code ServiceLoader} finds; a program adds its own with one line in a module of its own,
 * {@code Multibinder.newSetBinder(binder(), CheckpointStoreProvider.class).addBinding().to(MyProvider.class)}.
 * Two providers of one scheme are an error naming both classes;
 * <li>{@code CheckpointStores} made of that set, the {@code CheckpointStore} the configured URI opens and
 * the {@code CheckpointRepository} on it, singletons, closed by {@link CairnRuntime};
 * <li>the {@code SavePolicy} (a new one per injection: policies keep bookkeeping), the {@code SaveKind},
 * the {@code RetentionPolicy} and the {@code CheckpointerOptions};
 * <li>{@code Set<TrainingCallback>}, a {@code Multibinder} for a program's own callbacks, which
 * {@link Checkpointers#callbacks} adds after Cairn's;
 * <li>the {@link CairnConfig} itself.
 * </ul>
 * {@link Checkpointers} starts and resumes runs with these. Nothing opens until something that needs
 * the store is injected. Opening fails with a {@code ProvisionException} whose cause is an
 * {@link IllegalArgumentException} for a URI or store setting the provider rejects, an
 * {@link java.io.FileNotFoundException} when {@link CairnConfig#openExisting()} is set and the store
 * holds no repository, or an {@link java.io.IOException} when the store cannot be reached.
 */
public final class CairnModule
        extends AbstractModule
{
    private final CairnConfig config;

    public CairnModule(CairnConfig config)
    {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure()
    {
        bind(CairnConfig.class).toInstance(config);
        install(new RepositoryModule(config));
        install(new CheckpointingModule(config));
    }
}
