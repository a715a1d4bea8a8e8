package io.cairn.trainer;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.data.Dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Composes a training run from its configuration: the save policy, the retention rules, the
 * checkpointer options and the data. The store comes from {@link StoreModule}.
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
    }

    @Provides
    @Singleton
    SavePolicy savePolicy()
    {
        List<SavePolicy> policies = new ArrayList<>();
        config.saveEverySteps().ifPresent(steps -> policies.add(SavePolicies.everySteps(steps)));
        config.saveEvery().ifPresent(interval -> policies.add(SavePolicies.every(interval)));
        config.saveEveryEpochs().ifPresent(epochs -> policies.add(SavePolicies.everyEpochs(epochs)));
        config.saveBest().ifPresent(monitor -> policies.add(SavePolicies.onImprovement(monitor.metric(), monitor.mode(), 0)));
        if (policies.isEmpty()) {
            policies.add(SavePolicies.everySteps(TrainConfig.DEFAULT_SAVE_EVERY_STEPS));
        }
        return SavePolicies.anyOf(policies);
    }

    @Provides
    @Singleton
    RetentionPolicy retention()
    {
        List<RetentionPolicy> rules = new ArrayList<>();
        config.keepLast().ifPresent(count -> rules.add(RetentionPolicy.keepLast(count)));
        config.keepEverySteps().ifPresent(steps -> rules.add(RetentionPolicy.keepEverySteps(steps)));
        config.keepBest().ifPresent(count -> rules.add(RetentionPolicy.keepBest(count, config.keepBestMonitor().metric(), config.keepBestMonitor().mode())));
        return RetentionPolicy.union(rules);
    }

    @Provides
    @Singleton
    CheckpointerOptions checkpointerOptions(RetentionPolicy retention)
    {
        return CheckpointerOptions.defaults()
                .withRetention(retention)
                .withSync(config.sync());
    }

    @Provides
    @Singleton
    Dataset dataset()
            throws IOException
    {
        return config.data().load(config.model(), config.seed());
    }
}
