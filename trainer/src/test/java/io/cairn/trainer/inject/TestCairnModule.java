package io.cairn.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Checkpointer;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.checkpoint.SaveBudget;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.data.Datasets;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStore;
import io.cairn.core.store.CheckpointStoreProvider;
import io.cairn.core.store.CheckpointStores;
import io.cairn.core.train.FitOptions;
import io.cairn.core.train.Trainer;
import io.cairn.core.train.TrainingCallback;
import io.cairn.core.train.TrainingLogs;
import io.cairn.storage.local.LocalCheckpointStoreProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cairn's wiring as a program uses it: an injector from {@link CairnModule}, checkpointers from the
 * injected {@link Checkpointers}, the seed model trained for real.
 */
class TestCairnModule
{
    @TempDir
    Path temp;

    @Test
    void injectedCheckpointersSaveEveryFiftyStepsAndKeepTheLastTwo()
            throws IOException
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder()
                .storeUri("file:" + temp.resolve("ckpt"))
                .saveEverySteps(50)
                .keepLast(2)
                .build()));
        try (CairnRuntime runtime = injector.getInstance(CairnRuntime.class)) {
            Checkpointer checkpointer = trainSeed(injector.getInstance(Checkpointers.class));
            assertThat(checkpointer.committedSteps()).containsExactly(50L, 100L, 150L);
            assertThat(checkpointer.retainedSteps()).containsExactly(100L, 150L);
            CheckpointRepository repository = injector.getInstance(CheckpointRepository.class);
            assertThat(repository.checkpoints(checkpointer.run())).extracting(Manifest::step).containsExactly(100L, 150L);
            assertThat(repository.checkpoints(checkpointer.run())).extracting(Manifest::kind).containsOnly(SaveKind.FULL);
        }
    }

    @Test
    void aProviderAddedWithOneBindingIsFoundByItsScheme()
            throws IOException
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("recording:/one").build()), new AbstractModule()
        {
            @Override
            protected void configure()
            {
                Multibinder.newSetBinder(binder(), CheckpointStoreProvider.class).addBinding().to(RecordingStoreProvider.class);
            }
        });
        try (CairnRuntime runtime = injector.getInstance(CairnRuntime.class)) {
            // the ServiceLoader's providers are there too
            assertThat(injector.getInstance(CheckpointStores.class).providers()).containsKeys("recording", "file");
            assertThat(injector.getInstance(CheckpointStore.class)).isInstanceOf(RecordingStoreProvider.RecordingStore.class);
            assertThat(injector.getInstance(CheckpointRepository.class).store().location().toString()).isEqualTo("memory:/one");
        }
    }

    @Test
    void aBoundProviderOfAClassServiceLoaderAlsoFindsIsOneProvider()
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("file:" + temp).build()),
                binding(LocalCheckpointStoreProvider.class));
        assertThat(injector.getInstance(CheckpointStores.class).providers().get("file")).isInstanceOf(LocalCheckpointStoreProvider.class);
    }

    @Test
    void twoProvidersOfOneSchemeAreAnErrorNamingBothClasses()
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("file:" + temp).build()), binding(AnotherFileProvider.class));
        assertThatThrownBy(() -> injector.getInstance(CheckpointStores.class))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("scheme 'file'")
                .hasMessageContaining(LocalCheckpointStoreProvider.class.getName())
                .hasMessageContaining(AnotherFileProvider.class.getName());
    }

    @Test
    void aProgramsOwnCallbackBoundThroughTheMultibinderIsCalled()
            throws IOException
    {
        EpochCounter counter = new EpochCounter();
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("file:" + temp.resolve("ckpt")).saveKind(SaveKind.WEIGHTS).build()),
                new AbstractModule()
                {
                    @Override
                    protected void configure()
                    {
                        Multibinder.newSetBinder(binder(), TrainingCallback.class).addBinding().toInstance(counter);
                    }
                });
        try (CairnRuntime runtime = injector.getInstance(CairnRuntime.class)) {
            Checkpointers checkpointers = injector.getInstance(Checkpointers.class);
            Checkpointer checkpointer = trainSeed(checkpointers);
            assertThat(counter.epochsEnded).containsExactly(1, 2, 3, 4, 5);
            // without a save policy, every 50 steps
            assertThat(checkpointer.committedSteps()).containsExactly(50L, 100L, 150L);
            assertThat(checkpoints(injector)).extracting(Manifest::kind).containsOnly(SaveKind.WEIGHTS);
            // Cairn's checkpoint callback first, then the program's
            assertThat(checkpointers.callbacks(checkpointer)).hasSize(2).last().isSameAs(counter);
        }
    }

    @Test
    void resumeContinuesTheNewestRunOrStartsOneWhenThereIsNone()
            throws IOException
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder()
                .storeUri("recording:/resume")
                .saveKind(SaveKind.STATE)
                .saveEverySteps(10)
                .build()), binding(RecordingStoreProvider.class));
        try (CairnRuntime runtime = injector.getInstance(CairnRuntime.class);
                Model model = seedModel()) {
            Checkpointers checkpointers = injector.getInstance(Checkpointers.class);
            String run;
            try (Checkpointer fresh = checkpointers.resume(model)) {
                assertThat(fresh.resumedFrom()).isEmpty();
                run = fresh.run();
                new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(1, 32, 42), checkpointers.callbacks(fresh));
            }
            try (Checkpointer resumed = checkpointers.resume(model)) {
                assertThat(resumed.run()).isEqualTo(run);
                assertThat(resumed.resumedFrom()).map(Manifest::step).contains(30L);
            }
            try (Checkpointer named = checkpointers.resume(model, run)) {
                assertThat(named.resumeState()).isPresent();
            }
            assertThatThrownBy(() -> checkpointers.resume(model, "no-such-run")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-run");
        }
    }

    @Test
    void theRuntimeClosesTheRepositoryAndItsStoreOnce()
            throws IOException
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("recording:/closing").build()), binding(RecordingStoreProvider.class));
        CairnRuntime runtime = injector.getInstance(CairnRuntime.class);
        Checkpointer checkpointer;
        try (Model model = seedModel()) {
            checkpointer = trainSeed(injector.getInstance(Checkpointers.class), model);
        }
        CheckpointRepository repository = injector.getInstance(CheckpointRepository.class);
        RecordingStoreProvider.RecordingStore store = (RecordingStoreProvider.RecordingStore) injector.getInstance(CheckpointStore.class);
        Manifest manifest = repository.checkpoint(checkpointer.run(), 150);

        runtime.close();
        runtime.close();
        assertThat(store.closes()).isEqualTo(1);
        // the repository's transfer threads are stopped: reading a checkpoint's file fails
        assertThatThrownBy(() -> repository.readFile(manifest, manifest.files().get(0), OutputStream.nullOutputStream()))
                .hasMessageContaining("was closed");
        // one runtime per injector; once closed, nothing opens through it again
        assertThat(injector.getInstance(CairnRuntime.class)).isSameAs(runtime);
        assertThatThrownBy(() -> runtime.opened(new RecordingStoreProvider.RecordingStore("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theRuntimeClosesTheStoreWhenNoRepositoryWasMade()
            throws IOException
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri("recording:/store-only").build()), binding(RecordingStoreProvider.class));
        RecordingStoreProvider.RecordingStore store = (RecordingStoreProvider.RecordingStore) injector.getInstance(CheckpointStore.class);
        CairnRuntime runtime = injector.getInstance(CairnRuntime.class);
        runtime.close();
        runtime.close();
        assertThat(store.closes()).isEqualTo(1);
    }

    @Test
    void openingAnExistingRepositoryWhereThereIsNoneFailsNamingTheStore()
    {
        Path nowhere = temp.resolve("nowhere");
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder().storeUri(nowhere.toString()).openExisting(true).build()));
        assertThatThrownBy(() -> injector.getInstance(CheckpointRepository.class))
                .isInstanceOf(ProvisionException.class)
                .cause().isInstanceOf(FileNotFoundException.class).hasMessageContaining(nowhere.toString());
    }

    @Test
    void aSaveBudgetJoinsTheOtherPoliciesAndEachRunGetsItsOwn()
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder()
                .storeUri("file:" + temp)
                .saveEverySteps(500)
                .fromEnvironment(Map.of("CAIRN_SAVE_BUDGET", "0.05"))
                .build()));
        SaveBudget budget = SaveBudget.in(injector.getInstance(SavePolicy.class)).orElseThrow();
        assertThat(budget.budget()).isEqualTo(0.05);
        assertThat(SaveBudget.in(injector.getInstance(SavePolicy.class)).orElseThrow()).isNotSameAs(budget);
    }

    @Test
    void policiesAndOptionsAreBoundFromTheConfiguration()
    {
        Injector injector = Guice.createInjector(new CairnModule(CairnConfig.builder()
                .storeUri("file:" + temp)
                .sync(true)
                .maxInFlight(2)
                .saveKind(SaveKind.STATE)
                .build()));
        CheckpointerOptions options = injector.getInstance(CheckpointerOptions.class);
        assertThat(options.sync()).isTrue();
        assertThat(options.maxInFlight()).isEqualTo(2);
        assertThat(injector.getInstance(SaveKind.class)).isEqualTo(SaveKind.STATE);
        // a policy keeps bookkeeping, so each injection gets its own
        assertThat(injector.getInstance(SavePolicy.class)).isNotSameAs(injector.getInstance(SavePolicy.class));
        assertThat(SaveBudget.in(injector.getInstance(SavePolicy.class))).isEmpty();
        assertThat(injector.getInstance(CairnConfig.class).saveKind()).isEqualTo(SaveKind.STATE);
    }

    private static Module binding(Class<? extends CheckpointStoreProvider> provider)
    {
        return new AbstractModule()
        {
            @Override
            protected void configure()
            {
                Multibinder.newSetBinder(binder(), CheckpointStoreProvider.class).addBinding().to(provider);
            }
        };
    }

    private static List<Manifest> checkpoints(Injector injector)
            throws IOException
    {
        return injector.getInstance(CheckpointRepository.class).checkpoints();
    }

    private static Model seedModel()
    {
        Model model = Sequential.mlp(100, 10, 5).seed(42).build();
        model.initialize();
        return model;
    }

    /**
     * The seed run: 1,000 random samples, 5 epochs of 32, through the injected checkpointers.
     *
     * @return the closed checkpointer, with its committed and retained steps
     */
    private static Checkpointer trainSeed(Checkpointers checkpointers)
            throws IOException
    {
        try (Model model = seedModel()) {
            return trainSeed(checkpointers, model);
        }
    }

    private static Checkpointer trainSeed(Checkpointers checkpointers, Model model)
            throws IOException
    {
        try (Checkpointer checkpointer = checkpointers.startRun(model)) {
            new Trainer(model).fit(Datasets.random(1000, 100, 5, 42), FitOptions.of(5, 32, 42), checkpointers.callbacks(checkpointer));
            return checkpointer;
        }
    }

    private static final class EpochCounter
            implements TrainingCallback
    {
        private final List<Integer> epochsEnded = new ArrayList<>();

        @Override
        public void onEpochEnd(TrainingLogs logs)
        {
            epochsEnded.add(logs.epoch() + 1);
        }
    }

    /**
     * A second provider of {@code file:}, which the local store's provider already claims.
     */
    public static final class AnotherFileProvider
            implements CheckpointStoreProvider
    {
        @Override
        public String scheme()
        {
            return "file";
        }

        @Override
        public CheckpointStore open(URI uri, Map<String, String> options)
        {
            throw new UnsupportedOperationException();
        }
    }
}
