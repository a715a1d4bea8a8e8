package io.cairn.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestSettings
{
    @Test
    void queryKeepsPlusSignsAndDecodesPercentEscapes()
    {
        assertThat(Settings.query("secret-access-key=ab+cd/ef%2Bgh&flag&x=a%20b", "true"))
                .containsEntry("secret-access-key", "ab+cd/ef+gh")
                .containsEntry("flag", "true")
                .containsEntry("x", "a b");
    }

    @Test
    void badEscapeNamesTheParameterButNeverItsValue()
    {
        assertThatThrownBy(() -> Settings.query("secret-access-key=Super%zzSecret", "true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret-access-key")
                .hasMessageNotContaining("Super")
                .hasMessageNotContaining("zz");
    }

    @Test
    void valuesParseWithinTheirRangesAndErrorsNameTheSetting()
    {
        assertThat(Settings.bytes("part-size", "8MiB", 1, 1L << 40)).isEqualTo(8L << 20);
        assertThat(Settings.bytes("part-size", "64K", 1, 1L << 40)).isEqualTo(64L << 10);
        assertThat(Settings.duration("--save-every", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Settings.duration("--save-every", "PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Settings.bool("single-writer", "yes")).isTrue();
        assertThat(Settings.wholeNumber("max-attempts", "7", 1, 20)).isEqualTo(7);
        assertThatThrownBy(() -> Settings.bytes("part-size", "1MiB", 5L << 20, 5L << 30)).hasMessageContaining("part-size").hasMessageContaining("from 5MiB to 5GiB");
        assertThatThrownBy(() -> Settings.duration("--save-every", "0s")).hasMessageContaining("--save-every").hasMessageContaining("positive");
        assertThatThrownBy(() -> Settings.duration("--save-every", "soon")).hasMessageContaining("'soon'");
        assertThatThrownBy(() -> Settings.bool("single-writer", "maybe")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> Settings.wholeNumber("max-attempts", "21", 1, 20)).hasMessageContaining("from 1 to 20");
    }
}
