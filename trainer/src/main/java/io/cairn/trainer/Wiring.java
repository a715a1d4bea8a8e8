package io.cairn.trainer;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.store.CheckpointStore;
import io.cairn.trainer.inject.CairnConfig;
import io.cairn.trainer.inject.CairnConfigBuilder;
import io.cairn.trainer.inject.CairnModule;
import io.cairn.trainer.inject.CairnRuntime;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The injector a command builds: Cairn's public {@link CairnModule}, configured from the flags, plus
 * the command's own modules. Every command that opens a store goes through here, so the command line
 * uses the wiring as any program does. Closing closes what the injector opened ({@link CairnRuntime}).
 *
 * <p>{@link #repository()} opens the store and the repository first, turning what is the user's input
 * into bad usage: a URI or store setting the provider rejects, and, for a command that reads, a store
 * that holds no repository.
 */
final class Wiring
        implements AutoCloseable
{
    private final Injector injector;
    private final CairnConfig config;
    private final CairnRuntime runtime;

    private Wiring(Injector injector, CairnConfig config)
    {
        this.injector = requireNonNull(injector, "injector is null");
        this.config = requireNonNull(config, "config is null");
        this.runtime = injector.getInstance(CairnRuntime.class);
    }

    /**
     * @param config a configuration made from flags the command line has checked; anything it still
     * rejects is bad usage
     */
    static Wiring create(CairnConfigBuilder config, Module... commandModules)
    {
        CairnConfig built;
        try {
            built = config.build();
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        List<Module> modules = new ArrayList<>();
        modules.add(new CairnModule(built));
        modules.addAll(List.of(commandModules));
        return new Wiring(Guice.createInjector(modules), built);
    }

    /**
     * For a command that reads (or sweeps) the existing repository at the location.
     */
    static Wiring forReading(StoreLocation location)
    {
        return create(location.config().openExisting(true));
    }

    CheckpointRepository repository()
    {
        try {
            injector.getInstance(CheckpointStore.class);
        }
        catch (ProvisionException e) {
            // the provider names the setting it rejects; a store that cannot be reached stays a failure
            if (e.getCause() instanceof IllegalArgumentException rejected) {
                throw new UsageException(rejected.getMessage(), rejected);
            }
            throw e;
        }
        try {
            return injector.getInstance(CheckpointRepository.class);
        }
        catch (ProvisionException e) {
            // a command that reads was pointed where no repository is
            if (config.openExisting() && e.getCause() instanceof FileNotFoundException missing) {
                throw new UsageException(missing.getMessage(), missing);
            }
            throw e;
        }
    }

    <T> T instance(Class<T> type)
    {
        return injector.getInstance(type);
    }

    @Override
    public void close()
            throws IOException
    {
        runtime.close();
    }
}
