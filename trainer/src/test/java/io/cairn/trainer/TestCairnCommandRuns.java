package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code runs}, {@code ls --all-runs} and the lineage {@code ls} and {@code inspect} show, on local disk.
 */
class TestCairnCommandRuns
{
    @TempDir
    Path temp;

    @Test
    void runsShowsEachRunsParentNewestStepBytesAndLiveWriter()
            throws IOException
    {
        Scenarios.assertRunsShowLineageBytesAndWriters("file:" + temp.resolve("ckpt"));
    }

    @Test
    void lsAndInspectShowTheParentOfAFineTunedRun()
            throws IOException
    {
        String store = temp.resolve("ckpt").toString();
        List<String> runs = Scenarios.assertRunsShowLineageBytesAndWriters(store);
        String parent = runs.get(0);
        String child = runs.get(2);

        CliRun ls = cairn("ls", "--store", store, "--json");
        assertThat(ls.exitCode()).as(ls.toString()).isZero();
        JsonNode checkpoints = ls.json().get("checkpoints");
        assertThat(checkpoints).hasSize(5);
        assertThat(checkpoints.get(0).has("initFrom")).as("a run that started fresh has no initFrom").isFalse();
        assertThat(checkpoints.get(4).get("run").asText()).isEqualTo(child);
        assertThat(checkpoints.get(4).get("initFrom").toString()).isEqualTo("{\"run\":\"" + parent + "\",\"step\":150}");

        CliRun human = cairn("ls", "--store", store);
        assertThat(human.err()).contains("Run " + child + " was fine-tuned from " + parent + "@150").contains("5 checkpoint(s) of 3 run(s)");

        CliRun inspect = cairn("inspect", "--store", store, "--run", child, "--latest", "--json");
        assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
        assertThat(inspect.json().get("initFrom").get("run").asText()).isEqualTo(parent);
        assertThat(inspect.json().get("initFrom").get("step").asLong()).isEqualTo(150);
        assertThat(cairn("inspect", "--store", store, "--run", child, "--latest").err()).contains("Fine-tuned from: " + parent + "@150");
        assertThat(cairn("inspect", "--store", store, "--run", parent, "--latest", "--json").json().has("initFrom")).isFalse();
    }

    @Test
    void lsAllRunsListsEveryRunsCheckpointsUnderItsRun()
            throws IOException
    {
        String store = temp.resolve("ckpt").toString();
        List<String> runs = Scenarios.assertRunsShowLineageBytesAndWriters(store);

        CliRun all = cairn("ls", "--store", store, "--all-runs");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.err()).contains("Run " + runs.get(0) + ": 2 checkpoint(s)")
                .contains("Run " + runs.get(1) + ": 2 checkpoint(s)")
                .contains("Run " + runs.get(2) + ", fine-tuned from " + runs.get(0) + "@150: 1 checkpoint(s)");
        assertThat(all.err().indexOf("Run " + runs.get(0))).isLessThan(all.err().indexOf("Run " + runs.get(1)));

        CliRun json = cairn("ls", "--store", store, "--all-runs", "--json");
        // the fine-tuned checkpoint's initFrom has a step too: only each checkpoint's own
        assertThat(json.json().get("checkpoints")).extracting(checkpoint -> checkpoint.get("step").asLong()).containsExactly(100L, 150L, 100L, 150L, 10L);

        CliRun one = cairn("ls", "--store", store, "--run", runs.get(2), "--json");
        assertThat(one.json().get("checkpoints")).extracting(checkpoint -> checkpoint.get("run").asText()).containsExactly(runs.get(2));

        assertUsageError(cairn("ls", "--store", store, "--all-runs", "--run", runs.get(2)), "--all-runs lists every run");
    }
}
