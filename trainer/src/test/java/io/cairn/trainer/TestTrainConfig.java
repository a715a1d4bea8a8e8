package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.SaveKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestTrainConfig
{
    @Test
    void unsetFlagsAreEmptyAndTheRestKeepTheCommandLinesDefaults()
    {
        TrainConfig config = seed().build();
        assertThat(config.epochs()).isEqualTo(5);
        assertThat(config.batchSize()).isEqualTo(32);
        assertThat(config.seed()).isEqualTo(42);
        assertThat(config.mode()).isEqualTo(SaveKind.FULL);
        assertThat(config.chunkSize()).isEqualTo(4 << 20);
        assertThat(config.uploadThreads()).isEqualTo(4);
        assertThat(config.saveEverySteps()).isEmpty();
        assertThat(config.saveEvery()).isEmpty();
        assertThat(config.saveBest()).isEmpty();
        assertThat(config.keepLast()).isEmpty();
        assertThat(config.maxSteps()).isEmpty();
        assertThat(config.run()).isEmpty();
        assertThat(config.keepBestMonitor()).isEqualTo(new MonitorSpec("loss", MetricMode.MIN));
    }

    @Test
    void everySetterSetsItsFlag()
    {
        TrainConfig config = seed()
                .mode(SaveKind.STATE)
                .saveEverySteps(10L)
                .saveEvery(Duration.ofMinutes(5))
                .saveEveryEpochs(2)
                .saveBest(new MonitorSpec("accuracy", MetricMode.MAX))
                .saveBudget(0.05)
                .keepLast(3)
                .keepEverySteps(100L)
                .keepEvery(Duration.ofHours(1))
                .keepBest(1)
                .sync(true)
                .saveOnFinish(true)
                .maxSteps(73L)
                .resume(true)
                .run("r1")
                .json(true)
                .build();
        assertThat(config.mode()).isEqualTo(SaveKind.STATE);
        assertThat(config.saveEverySteps()).isEqualTo(OptionalLong.of(10));
        assertThat(config.saveEvery()).contains(Duration.ofMinutes(5));
        assertThat(config.saveEveryEpochs()).isEqualTo(OptionalInt.of(2));
        assertThat(config.saveBudget()).isEqualTo(OptionalDouble.of(0.05));
        assertThat(config.cairnConfig().storeUri("file:/tmp/ckpt").build().saveBudget()).isEqualTo(OptionalDouble.of(0.05));
        assertThat(config.keepLast()).isEqualTo(OptionalInt.of(3));
        assertThat(config.keepEverySteps()).isEqualTo(OptionalLong.of(100));
        assertThat(config.keepEvery()).contains(Duration.ofHours(1));
        assertThat(config.keepBest()).isEqualTo(OptionalInt.of(1));
        assertThat(config.keepBestMonitor()).isEqualTo(new MonitorSpec("accuracy", MetricMode.MAX));
        assertThat(config.sync()).isTrue();
        assertThat(config.saveOnFinish()).isTrue();
        assertThat(config.maxSteps()).isEqualTo(OptionalLong.of(73));
        assertThat(config.resume()).isTrue();
        assertThat(config.run()).isEqualTo(Optional.of("r1"));
        assertThat(config.json()).isTrue();
    }

    @Test
    void badValuesAndCombinationsNameTheFlag()
    {
        assertThatThrownBy(() -> seed().epochs(0).build()).isInstanceOf(UsageException.class).hasMessage("--epochs must be at least 1, got 0");
        assertThatThrownBy(() -> seed().batchSize(-1).build()).isInstanceOf(UsageException.class).hasMessage("--batch must be at least 1, got -1");
        assertThatThrownBy(() -> seed().keepLast(0).build()).isInstanceOf(UsageException.class).hasMessage("--keep-last must be at least 1, got 0");
        assertThatThrownBy(() -> seed().keepEverySteps(0L).build()).hasMessageStartingWith("--keep-every-steps");
        assertThatThrownBy(() -> seed().keepEvery(Duration.ZERO).build()).isInstanceOf(UsageException.class).hasMessage("--keep-every must be positive, got PT0S");
        assertThatThrownBy(() -> seed().keepBest(0).build()).hasMessageStartingWith("--keep-best");
        assertThatThrownBy(() -> seed().saveEverySteps(0L).build()).hasMessageStartingWith("--save-every-steps");
        assertThatThrownBy(() -> seed().saveEveryEpochs(0).build()).hasMessageStartingWith("--save-every-epochs");
        assertThatThrownBy(() -> seed().maxSteps(0L).build()).hasMessageStartingWith("--max-steps");
        assertThatThrownBy(() -> seed().saveBudget(1.5).build()).isInstanceOf(UsageException.class).hasMessageStartingWith("--save-budget must be more than 0%");
        assertThatThrownBy(() -> seed().noSave(true).saveBudget(0.05).build()).hasMessageStartingWith("--no-save and --save-budget ");
        assertThatThrownBy(() -> seed().uploadThreads(65).build()).isInstanceOf(UsageException.class).hasMessage("--upload-threads must be from 1 to 64, got 65");
        assertThatThrownBy(() -> seed().run("r1").build()).isInstanceOf(UsageException.class).hasMessageContaining("--run").hasMessageContaining("--resume");
        assertThatThrownBy(() -> seed().noSave(true).saveEveryEpochs(1).build()).isInstanceOf(UsageException.class).hasMessageStartingWith("--no-save and --save-every-epochs ");
        assertThatThrownBy(() -> seed().noSave(true).saveBest(new MonitorSpec("loss", MetricMode.MIN)).build()).hasMessageStartingWith("--no-save and --save-best ");
        assertThatThrownBy(() -> seed().noSave(true).keepBest(1).build()).hasMessageStartingWith("--no-save and --keep-best ");
        assertThat(seed().noSave(true).build().noSave()).isTrue();
    }

    @Test
    void theStoreShowsItsOptionKeysNotTheirValues()
    {
        TrainConfig config = seed().store(new StoreLocation("s3://b/p", Map.of("secret-access-key", "hush-hush"))).build();
        assertThat(config.store().options()).containsEntry("secret-access-key", "hush-hush");
        assertThat(config.store().toString()).contains("secret-access-key").doesNotContain("hush-hush");
    }

    private static TrainConfig.Builder seed()
    {
        return TrainConfig.builder()
                .store(new StoreLocation("file:/tmp/ckpt", Map.of()))
                .model(ModelSpec.parse("mlp:100,10,5"))
                .data(DataSpec.parse("random:1000"));
    }
}
