package io.cairn.core.internal;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    @Test
    void aBackgroundThreadRunsTenNicerThanTheThreadThatMadeIt()
            throws Exception
    {
        int base = linuxNiceness();

        OptionalInt background = onNewThread(Threads.daemonThreadsNamed("cairn-background", true), Threads::currentThreadNiceness);

        assertThat(background).hasValue(Math.min(19, base + Threads.BACKGROUND_NICENESS_INCREMENT));
    }

    @Test
    void aThreadLowersItsPriorityOnceHoweverOftenItAsks()
            throws Exception
    {
        int base = linuxNiceness();

        OptionalInt twice = onNewThread(Threads.daemonThreadsNamed("cairn-twice"), () -> {
            assertThat(Threads.runInBackground()).isTrue();
            assertThat(Threads.runInBackground()).isTrue();
            return Threads.currentThreadNiceness();
        });

        assertThat(twice).hasValue(Math.min(19, base + Threads.BACKGROUND_NICENESS_INCREMENT));
    }

    @Test
    void aThreadNotMadeForTheBackgroundKeepsItsPriority()
            throws Exception
    {
        int base = linuxNiceness();

        assertThat(onNewThread(Threads.daemonThreadsNamed("cairn-plain"), Threads::currentThreadNiceness)).hasValue(base);
        assertThat(onNewThread(Threads.daemonThreadsNamed("cairn-plain", false), Threads::currentThreadNiceness)).hasValue(base);
    }

    /**
     * The calling thread's niceness (which new threads inherit); skips the test where there is none.
     */
    static int linuxNiceness()
    {
        OptionalInt niceness = Threads.currentThreadNiceness();
        assumeTrue(niceness.isPresent(), "thread niceness is Linux's");
        return niceness.getAsInt();
    }

    private static <T> T onNewThread(ThreadFactory factory, Supplier<T> work)
            throws Exception
    {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = factory.newThread(() -> {
            try {
                result.complete(work.get());
            }
            catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        thread.start();
        return result.get();
    }
}
