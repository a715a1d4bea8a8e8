package io.cairn.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.CheckpointStores;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The store and the repository: the store providers in a {@code Multibinder} (those
 * {@code ServiceLoader} finds, plus any a program binds), the {@link CheckpointStores} made of them,
 * the store the configured URI opens, and the repository on it, created or required to exist. What
 * opens is handed to {@link CairnRuntime} to close.
 */
final class RepositoryModule
        extends AbstractModule
{
    private final CairnConfig config;
    // the providers ServiceLoader found, by identity: a bound instance of the same class wins over them
    private final Set<CheckpointStoreProvider> discovered = Collections.newSetFromMap(new IdentityHashMap<>());

    RepositoryModule(CairnConfig config)
    {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure()
    {
        Multibinder<CheckpointStoreProvider> providers = Multibinder.newSetBinder(binder(), CheckpointStoreProvider.class);
        try {
            discovered.addAll(CheckpointStores.discover().providers().values());
        }
        catch (IllegalStateException e) {
            // two store modules on the path claim one scheme: the message names both classes
            addError(e);
        }
        discovered.forEach(provider -> providers.addBinding().toInstance(provider));
    }

    /**
     * One provider per scheme. A class {@code ServiceLoader} found that is also bound explicitly is
     * the bound instance alone; any other two providers of one scheme are an error naming both classes.
     */
    @Provides
    @Singleton
    CheckpointStores stores(Set<CheckpointStoreProvider> providers)
    {
        Set<Class<?>> boundClasses = new HashSet<>();
        providers.stream().filter(provider -> !discovered.contains(provider)).forEach(provider -> boundClasses.add(provider.getClass()));
        return CheckpointStores.of(providers.stream()
                .filter(provider -> !(discovered.contains(provider) && boundClasses.contains(provider.getClass())))
                .toArray(CheckpointStoreProvider[]::new));
    }

    @Provides
    @Singleton
    CheckpointStore store(CheckpointStores stores, CairnRuntime runtime)
            throws IOException
    {
        return runtime.opened(stores.open(config.storeUri(), config.storeOptions()));
    }

    /**
     * @throws java.io.FileNotFoundException if the configuration opens an existing repository and the
     * store holds none
     */
    @Provides
    @Singleton
    CheckpointRepository repository(CheckpointStore store, CairnRuntime runtime)
            throws IOException
    {
        CheckpointRepository repository = config.openExisting()
                ? CheckpointRepository.open(store)
                : CheckpointRepository.create(store, config.chunkSize(), config.uploadThreads());
        // closing the repository closes its store
        return runtime.handedOver(store, repository);
    }
}
