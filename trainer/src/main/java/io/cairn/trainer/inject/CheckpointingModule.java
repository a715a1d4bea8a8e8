package io.cairn.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;
import io.cairn.core.checkpoint.CheckpointerOptions;
import io.cairn.core.checkpoint.RetentionPolicy;
import io.cairn.core.checkpoint.SaveKind;
import io.cairn.core.checkpoint.SavePolicies;
import io.cairn.core.checkpoint.SavePolicy;
import io.cairn.core.train.TrainingCallback;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How runs save and what they keep: the save policy, the save kind, the retention rules and the
 * {@link CheckpointerOptions}, from the configuration, and the {@code Multibinder} a program's own
 * {@link TrainingCallback}s join.
 */
final class CheckpointingModule
        extends AbstractModule
{
    private final CairnConfig config;

    CheckpointingModule(CairnConfig config)
    {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure()
    {
        Multibinder.newSetBinder(binder(), TrainingCallback.class);
        bind(SaveKind.class).toInstance(config.saveKind());
    }

    /**
     * Unscoped: a policy keeps bookkeeping (the best metric so far, the time of the last save), so
     * each run gets its own.
     */
    @Provides
    SavePolicy savePolicy()
    {
        List<SavePolicy> policies = new ArrayList<>();
        config.saveEverySteps().ifPresent(steps -> policies.add(SavePolicies.everySteps(steps)));
        config.saveEvery().ifPresent(interval -> policies.add(SavePolicies.every(interval)));
        config.saveEveryEpochs().ifPresent(epochs -> policies.add(SavePolicies.everyEpochs(epochs)));
        config.saveBest().ifPresent(monitor -> policies.add(SavePolicies.onImprovement(monitor.metric(), monitor.mode(), 0)));
        config.saveBudget().ifPresent(budget -> policies.add(SavePolicies.budget(budget)));
        if (policies.isEmpty()) {
            policies.add(SavePolicies.everySteps(CairnConfig.DEFAULT_SAVE_EVERY_STEPS));
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
        config.keepEvery().ifPresent(interval -> rules.add(RetentionPolicy.keepEvery(interval)));
        config.keepBest().ifPresent(count -> rules.add(RetentionPolicy.keepBest(count, config.keepBestMonitor().metric(), config.keepBestMonitor().mode())));
        return RetentionPolicy.union(rules);
    }

    @Provides
    @Singleton
    CheckpointerOptions checkpointerOptions(RetentionPolicy retention)
    {
        return CheckpointerOptions.defaults()
                .withRetention(retention)
                .withSync(config.sync())
                .withOnSaveFailure(config.onSaveFailure())
                .withMaxInFlight(config.maxInFlight())
                .withMaxSnapshotBytes(config.maxSnapshotBytes())
                .withLeaseTtl(config.leaseTtl());
    }
}
