package io.cairn.core.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSettingValues
{
    @Test
    void valuesParseWithinTheirRangesAndErrorsNameTheSetting()
    {
        assertThat(SettingValues.bytes("part-size", "8MiB", 1, 1L << 40)).isEqualTo(8L << 20);
        assertThat(SettingValues.bytes("part-size", "64K", 1, 1L << 40)).isEqualTo(64L << 10);
        assertThat(SettingValues.duration("--save-every", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SettingValues.duration("--save-every", "PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SettingValues.bool("single-writer", "yes")).isTrue();
        assertThat(SettingValues.wholeNumber("max-attempts", "7", 1, 20)).isEqualTo(7);
        assertThatThrownBy(() -> SettingValues.bytes("part-size", "1MiB", 5L << 20, 5L << 30)).hasMessageContaining("part-size").hasMessageContaining("from 5MiB to 5GiB");
        assertThatThrownBy(() -> SettingValues.duration("--save-every", "0s")).hasMessageContaining("--save-every").hasMessageContaining("positive");
        assertThatThrownBy(() -> SettingValues.duration("--save-every", "soon")).hasMessageContaining("'soon'");
        assertThatThrownBy(() -> SettingValues.bool("single-writer", "maybe")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> SettingValues.wholeNumber("max-attempts", "21", 1, 20)).hasMessageContaining("from 1 to 20");
    }

    @Test
    void sizesAreDescribedInTheLargestWholeUnit()
    {
        assertThat(SettingValues.describeBytes(8L << 20)).isEqualTo("8MiB");
        assertThat(SettingValues.describeBytes(2L << 30)).isEqualTo("2GiB");
        assertThat(SettingValues.describeBytes(4096)).isEqualTo("4KiB");
        assertThat(SettingValues.describeBytes(1000)).isEqualTo("1000 bytes");
        assertThat(SettingValues.describeBytes(0)).isEqualTo("0 bytes");
    }
}
