package io.cairn.core.repository;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TestRunIds
{
    @Test
    void idsOfRunsStartedWithinOneSecondSortByStartTime()
    {
        Instant start = Instant.parse("2026-11-29T03:15:00.100Z");
        String first = RunIds.newRunId(start);
        String second = RunIds.newRunId(start.plusMillis(1));
        String third = RunIds.newRunId(start.plusMillis(899));

        assertThat(first).startsWith("20261129T031500100Z-").hasSize("20261129T031500100Z-".length() + 6);
        assertThat(first).isLessThan(second);
        assertThat(second).isLessThan(third);
        assertThat(RepositoryLayout.checkRunId(third)).isEqualTo(third);
    }

    @Test
    void aRunsStartTimeIsReadBackFromItsId()
    {
        Instant start = Instant.parse("2026-11-29T03:15:00.123Z");

        assertThat(RunIds.startedAt(RunIds.newRunId(start))).contains(start);
        assertThat(RunIds.startedAt("my-own-run")).isEmpty();
        assertThat(RunIds.startedAt("20261399T031500123Z-abcdef")).as("month 13").isEmpty();
    }
}
