package io.cairn.core.save;

import io.cairn.core.checkpoint.CheckpointException;
import io.cairn.core.checkpoint.OnSaveFailure;
import io.cairn.core.internal.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The background save pipeline: order, bounds, and failures that are never swallowed.
 */
class TestSavePipeline
{
    private static final long MIB = 1 << 20;

    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private SavePipeline pipeline;

    @AfterEach
    void shutdown()
    {
        if (pipeline != null) {
            pipeline.shutdown();
        }
    }

    @Test
    void savesRunInStepOrderOnOneThread()
    {
        pipeline = pipeline(4, 64 * MIB);
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        for (long step = 1; step <= 20; step++) {
            long current = step;
            pipeline.submit(step, pipeline.acquire(MIB), slot -> ran.add(current + "@" + Thread.currentThread().getName()), false);
        }
        pipeline.awaitPending();

        assertThat(ran).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(ran.get(i)).isEqualTo((i + 1) + "@cairn-save-run-1");
        }
    }

    @Test
    void aSaveBeyondTheInFlightBoundWaitsForASlot()
            throws Exception
    {
        pipeline = pipeline(2, 64 * MIB);
        CountDownLatch release = new CountDownLatch(1);
        pipeline.submit(1, pipeline.acquire(MIB), slot -> release.await(), false);
        pipeline.submit(2, pipeline.acquire(MIB), slot -> {}, false);

        CompletableFuture<SavePipeline.Slot> third = CompletableFuture.supplyAsync(() -> pipeline.acquire(MIB));
        assertThat(waitFor(third, 300)).as("two saves in flight hold both slots").isFalse();
        release.countDown();
        assertThat(third.get(10, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aSnapshotsMemoryIsFreedAsSoonAsItIsWritten()
            throws Exception
    {
        pipeline = pipeline(4, 3 * MIB);
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SavePipeline.Slot first = pipeline.acquire(2 * MIB);

        CompletableFuture<SavePipeline.Slot> second = CompletableFuture.supplyAsync(() -> pipeline.acquire(2 * MIB));
        assertThat(waitFor(second, 300)).as("3 MiB hold one 2 MiB snapshot").isFalse();
        pipeline.submit(1, first, slot -> {
            slot.releaseMemory();
            written.countDown();
            release.await();
        }, false);
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get(10, TimeUnit.SECONDS)).as("admitted while the first save still uploads").isNotNull();
        release.countDown();
    }

    @Test
    void aSnapshotLargerThanTheBudgetStillProceedsAlone()
    {
        pipeline = pipeline(4, 2 * MIB);
        SavePipeline.Slot huge = pipeline.acquire(100 * MIB);
        CompletableFuture<SavePipeline.Slot> next = CompletableFuture.supplyAsync(() -> pipeline.acquire(MIB));
        assertThat(waitFor(next, 300)).isFalse();
        huge.release();
        assertThat(next.join()).isNotNull();
    }

    @Test
    void aFailedSaveReachesTheHandlerAndIsThrownByTheNextCall()
    {
        pipeline = pipeline(4, 64 * MIB);
        pipeline.submit(7, pipeline.acquire(MIB), slot -> {
            throw new IOException("disk full (injected)");
        }, false);

        assertThatThrownBy(pipeline::awaitPending)
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("A background save of run run-1 at step 7 to memory:/ failed: disk full (injected)");
        assertThat(failures).containsExactly("7: disk full (injected)");
        assertThatThrownBy(pipeline::throwIfFailed).hasMessageContaining("disk full (injected)");
        // the failed save gave its slot back
        pipeline.acquire(MIB).release();
    }

    @Test
    void aSynchronousSaveThrowsItsOwnFailure()
    {
        pipeline = pipeline(1, 64 * MIB);
        assertThatThrownBy(() -> pipeline.submit(3, pipeline.acquire(MIB), slot -> {
            throw new IllegalStateException("broken (injected)");
        }, true))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("broken (injected)");
        assertThat(failures).containsExactly("3: broken (injected)");
    }

    @Test
    void aShutDownPipelineRefusesSavesAndGivesTheSlotBack()
    {
        pipeline = pipeline(1, 64 * MIB);
        assertThat(pipeline.shutdown()).isTrue();

        assertThatThrownBy(() -> pipeline.submit(1, pipeline.acquire(MIB), slot -> {}, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Checkpointer of run run-1 is closed");
        AtomicReference<SavePipeline.Slot> again = new AtomicReference<>();
        assertThat(waitFor(CompletableFuture.runAsync(() -> again.set(pipeline.acquire(MIB))), 10_000)).isTrue();
    }

    @Test
    void theSaveThreadRunsAtALowerPriorityUnlessTurnedOff()
    {
        OptionalInt base = Threads.currentThreadNiceness();
        assumeTrue(base.isPresent(), "thread niceness is Linux's");

        pipeline = new SavePipeline("run-1", "memory:/", 1, MIB, true, OnSaveFailure.STOP, (step, failure) -> failures.add(step + ": " + failure.getMessage()));
        AtomicReference<OptionalInt> lowered = new AtomicReference<>();
        pipeline.submit(1, pipeline.acquire(MIB), slot -> lowered.set(Threads.currentThreadNiceness()), true);
        assertThat(lowered.get()).hasValue(Math.min(19, base.getAsInt() + Threads.BACKGROUND_NICENESS_INCREMENT));
        pipeline.shutdown();

        pipeline = new SavePipeline("run-2", "memory:/", 1, MIB, false, OnSaveFailure.STOP, (step, failure) -> failures.add(step + ": " + failure.getMessage()));
        AtomicReference<OptionalInt> kept = new AtomicReference<>();
        pipeline.submit(1, pipeline.acquire(MIB), slot -> kept.set(Threads.currentThreadNiceness()), true);
        assertThat(kept.get()).hasValue(base.getAsInt());
    }

    private SavePipeline pipeline(int maxInFlight, long maxSnapshotBytes)
    {
        return new SavePipeline("run-1", "memory:/", maxInFlight, maxSnapshotBytes, false, OnSaveFailure.STOP, (step, failure) -> failures.add(step + ": " + failure.getMessage()));
    }

    private static boolean waitFor(CompletableFuture<?> future, long millis)
    {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        }
        catch (Exception e) {
            return false;
        }
    }
}
