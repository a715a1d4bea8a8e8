package io.cairn.trainer;

import io.cairn.trainer.json.BenchDocuments;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TestBenchAdvice
{
    @Test
    void advisesFullEveryNStepsWhenItCostsLittle()
    {
        // 1,000 steps/s without saves: FULL 2 % slower, STATE 1 %
        List<String> advice = BenchAdvice.advise(report(1000, 980, 990, 1000, 12));
        assertThat(advice.get(0)).startsWith("Save FULL every 50 steps: it costs 2.0 % here (STATE 1.0 %, WEIGHTS nothing measurable)")
                .contains("a crash loses at most 50 steps = 0.05 s of work", "loading takes 12 ms");
    }

    @Test
    void advisesStateEveryNStepsAndFullLessOftenWhenOnlyStateIsAffordable()
    {
        // FULL 12 % slower, STATE 3 %: FULL every 150 steps would cost about 4 %
        List<String> advice = BenchAdvice.advise(report(100, 88, 97, 98, 450));
        assertThat(advice.get(0)).startsWith("Save STATE every 50 steps: it costs 3.0 % here where FULL costs 12 %")
                .contains("a crash loses at most 50 steps = 0.50 s of work", "loading takes 450 ms", "Save FULL (a SavedModel) every 150 steps or so, where it should cost about 4.0 %");
    }

    @Test
    void advisesSavingStateLessOftenWhenEveryKindCostsTooMuch()
    {
        // FULL 30 % slower, STATE 20 %: STATE every 200 steps brings it to about 5 %
        List<String> advice = BenchAdvice.advise(report(10, 7, 8, 9.5, 600));
        assertThat(advice.get(0)).startsWith("Saving every 50 steps costs 30 % with FULL and 20 % with STATE here: save STATE every 200 steps instead, where it should cost about 5.0 %")
                .contains("a crash then loses at most 200 steps = 20 s of work");
        // WEIGHTS is much cheaper here, but cannot resume exactly: it is mentioned, not advised
        assertThat(advice.get(1)).startsWith("WEIGHTS costs 5.0 %, but a run cannot resume exactly from it");
    }

    @Test
    void advisesFullLessOftenWhenItMeasuredNoDearerThanState()
    {
        // noise can make FULL measure cheaper than STATE; FULL does all STATE does, so it is the one advised
        List<String> advice = BenchAdvice.advise(report(100, 72, 64, 90, 20));
        assertThat(advice.get(0)).startsWith("Saving every 50 steps costs 28 % with FULL and 36 % with STATE here: save FULL every 300 steps instead, where it should cost about 4.7 %");
    }

    @Test
    void aCaseFasterThanNoSavesCostsNothingMeasurable()
    {
        List<String> advice = BenchAdvice.advise(report(1000, 1010, 1005, 1020, 3));
        assertThat(advice.get(0)).startsWith("Save FULL every 50 steps: it costs nothing measurable here");
    }

    @Test
    void comparesStallsBackgroundRateAndFineTuningBytes()
    {
        List<String> advice = BenchAdvice.advise(report(1000, 980, 990, 1000, 12));
        assertThat(advice).anyMatch(line -> line.equals("An async save stalls training 17 ms per save, a --sync save 821 ms, a SavedModel export on the training thread 772 ms."));
        assertThat(advice).anyMatch(line -> line.startsWith("A FULL save persists at 150 MB/s beside training (at a lower priority, so training keeps the CPU) and at 600 MB/s "
                + "with the machine to itself (--sync), 86 % of the store's own write of as many bytes (700 MB/s): the store's bandwidth sets its pace."));
        assertThat(advice).anyMatch(line -> line.startsWith("Fine-tuning with 84 % of the weights frozen, a FULL save adds 48.0 MB of its 302.0 MB"));
    }

    private static BenchDocuments.BenchReport report(double none, double full, double state, double weights, double loadMillis)
    {
        Map<String, Double> stepsPerSecond = new LinkedHashMap<>();
        stepsPerSecond.put("none", none);
        stepsPerSecond.put("async", full);
        stepsPerSecond.put("state", state);
        stepsPerSecond.put("weights", weights);
        Map<String, BenchDocuments.BenchStall> stalls = new LinkedHashMap<>();
        stalls.put("naive", new BenchDocuments.BenchStall(772, 1026));
        stalls.put("sync", new BenchDocuments.BenchStall(821, 1879));
        stalls.put("async", new BenchDocuments.BenchStall(17, 19));
        return new BenchDocuments.BenchReport("mlp:1000,4096,4096,1000", "random:4096", 1, 32, 50, List.of(), 3, stepsPerSecond, stalls, 150, 600, 700,
                new BenchDocuments.BenchBytes(302_000_000, 302_000_000, 302_000_000), new BenchDocuments.BenchFrozen(48_000_000, 302_000_000, 0.836),
                new BenchDocuments.BenchRestore(loadMillis, 100), 2.5, List.of());
    }
}
