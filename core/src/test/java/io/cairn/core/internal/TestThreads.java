package io.cairn.core.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestThreads
{
    @Test
    void threadsAreDaemonsNamedByTheFormat()
    {
        ThreadFactory numbered = Threads.daemonThreadsNamed("cairn-transfer-%d");
        Thread first = numbered.newThread(() -> {});
        Thread second = numbered.newThread(() -> {});
        assertThat(first.isDaemon()).isTrue();
        assertThat(first.getName()).isEqualTo("cairn-transfer-1");
        assertThat(second.getName()).isEqualTo("cairn-transfer-2");

        Thread fixed = Threads.daemonThreadsNamed("cairn-save").newThread(() -> {});
        assertThat(fixed.isDaemon()).isTrue();
        assertThat(fixed.getName()).isEqualTo("cairn-save");
    }

    @Test
    void rejectsAFormatWithTwoNumbers()
    {
        assertThatThrownBy(() -> Threads.daemonThreadsNamed("pool-%d-thread-%d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool-%d-thread-%d");
    }
}
