package io.cairn.trainer;

import io.cairn.core.checkpoint.MetricMode;
import io.cairn.core.checkpoint.SaveKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestConverters
{
    @Test
    void chunkSizesTakeBinarySuffixesWithinCoresLimits()
    {
        assertThat(new Converters.ChunkSize().convert("4MiB")).isEqualTo(4 << 20);
        assertThat(new Converters.ChunkSize().convert("64K")).isEqualTo(64 << 10);
        assertThatThrownBy(() -> new Converters.ChunkSize().convert("1KiB"))
                .isInstanceOf(Converters.InvalidValue.class)
                .hasMessageStartingWith("--chunk-size must be a size from 4KiB to 256MiB");
    }

    @Test
    void saveIntervalsAreDurations()
    {
        assertThat(new Converters.SaveEvery().convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(new Converters.SaveEvery().convert("PT90S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> new Converters.SaveEvery().convert("0s"))
                .isInstanceOf(Converters.InvalidValue.class)
                .hasMessageStartingWith("--save-every must be a positive duration");
    }

    @Test
    void keepIntervalsAreDurations()
    {
        assertThat(new Converters.KeepEvery().convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(new Converters.KeepEvery().convert("PT30M")).isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> new Converters.KeepEvery().convert("hourly"))
                .isInstanceOf(Converters.InvalidValue.class)
                .hasMessageStartingWith("--keep-every");
    }

    @Test
    void initFromIsLatestARunOrARunAtAStep()
    {
        assertThat(new Converters.InitFrom().convert("latest")).isEqualTo(new InitFromSpec(Optional.empty(), OptionalLong.empty()));
        assertThat(new Converters.InitFrom().convert("r1")).isEqualTo(new InitFromSpec(Optional.of("r1"), OptionalLong.empty()));
        assertThat(new Converters.InitFrom().convert("r1@150")).isEqualTo(new InitFromSpec(Optional.of("r1"), OptionalLong.of(150)));
        assertThat(new Converters.InitFrom().convert("r1@150").toString()).isEqualTo("r1@150");
        assertThat(new Converters.InitFrom().convert("latest").toString()).isEqualTo("latest");
        assertThatThrownBy(() -> new Converters.InitFrom().convert("@150")).isInstanceOf(Converters.InvalidValue.class).hasMessageContaining("names no run");
        assertThatThrownBy(() -> new Converters.InitFrom().convert("r1@-1")).isInstanceOf(Converters.InvalidValue.class).hasMessageStartingWith("--init-from r1@-1");
    }

    @Test
    void modesAreSaveKinds()
    {
        assertThat(new Converters.Mode().convert("weights")).isEqualTo(SaveKind.WEIGHTS);
        assertThat(new Converters.Mode().convert("STATE")).isEqualTo(SaveKind.STATE);
        // core's message names no flag: the converter adds it
        assertThatThrownBy(() -> new Converters.Mode().convert("everything"))
                .isInstanceOf(Converters.InvalidValue.class)
                .hasMessage("--mode everything: Unknown save kind 'everything'; expected full, weights or state");
    }

    @Test
    void saveBestIsAMetricAndADirection()
    {
        assertThat(new Converters.SaveBest().convert("loss")).isEqualTo(new MonitorSpec("loss", MetricMode.MIN));
        assertThat(new Converters.SaveBest().convert("accuracy")).isEqualTo(new MonitorSpec("accuracy", MetricMode.MAX));
        assertThat(new Converters.SaveBest().convert("loss:max")).isEqualTo(new MonitorSpec("loss", MetricMode.MAX));
        assertThatThrownBy(() -> new Converters.SaveBest().convert("f1")).hasMessageContaining("unknown metric 'f1'").hasMessageContaining("--save-best");
        assertThatThrownBy(() -> new Converters.SaveBest().convert("loss:up")).hasMessageStartingWith("--save-best loss:up: ").hasMessageContaining("expected min or max");
    }

    @Test
    void modelsAndDataAreSpecs()
    {
        assertThat(new Converters.Model().convert("mlp:100,10,5")).isEqualTo(new ModelSpec(List.of(100, 10, 5)));
        assertThat(new Converters.Data().convert("random:1000")).isEqualTo(new DataSpec("random", 1000, null));
        assertThat(new Converters.Data().convert("csv:data/a.csv")).isEqualTo(new DataSpec("csv", 0, Path.of("data/a.csv")));
        assertThatThrownBy(() -> new Converters.Model().convert("cnn:3")).isInstanceOf(Converters.InvalidValue.class).hasMessageStartingWith("Unknown --model 'cnn:3'");
        assertThatThrownBy(() -> new Converters.Data().convert("random:x")).isInstanceOf(Converters.InvalidValue.class).hasMessageContaining("--data random:x");
    }
}
