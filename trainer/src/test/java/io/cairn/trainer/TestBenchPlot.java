package io.cairn.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.cairn.trainer.CliRun.cairn;
import static io.cairn.trainer.Scenarios.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

class TestBenchPlot
{
    @TempDir
    Path temp;

    @Test
    void aTinyBenchDrawsAWellFormedSvgNamingEveryCaseAndDrawsItAgainFromItsJson()
            throws Exception
    {
        Path plot = temp.resolve("plots").resolve("bench.svg");
        CliRun bench = cairn("bench", "--store", temp.resolve("bench").toString(), "--data", "random:64", "--epochs", "1", "--save-every-steps", "1", "--loads", "1",
                "--repeat", "1", "--plot", plot.toString(), "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        List<String> cases = new ArrayList<>();
        bench.json().get("cases").forEach(row -> cases.add(row.get("case").asText()));
        assertThat(cases).hasSize(7).contains("no saves", "Fine-tune (FULL async)");
        assertSvgNames(plot, cases);

        Path results = Files.writeString(temp.resolve("results.json"), bench.out());
        Path again = temp.resolve("again.svg");
        CliRun redraw = cairn("bench", "--plot", again.toString(), "--from", results.toString());
        assertThat(redraw.exitCode()).as(redraw.toString()).isZero();
        assertSvgNames(again, cases);
    }

    @Test
    void aBenchReportsFrozen90AndItsAdvice()
    {
        CliRun bench = cairn("bench", "--store", temp.resolve("bench").toString(), "--data", "random:64", "--epochs", "1", "--save-every-steps", "1", "--loads", "1",
                "--repeat", "1", "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        JsonNode report = bench.json();
        assertThat(report.get("stepsPerSecond").get("frozen90").asDouble()).isPositive();
        JsonNode frozen = report.get("frozen90");
        assertThat(frozen.get("variableBytes").asLong()).isPositive();
        // the frozen first layer (1,010 of the 1,065 weights) is stored once: a later save adds less than its size
        assertThat(frozen.get("bytesPerSave").asLong()).isPositive().isLessThan(frozen.get("variableBytes").asLong());
        assertThat(frozen.get("frozenFraction").asDouble()).isEqualTo(1010.0 / 1065);
        assertThat(report.get("persistMBps").asDouble()).isPositive();
        assertThat(report.get("rawWriteMBps").asDouble()).isPositive();
        assertThat(report.get("backgroundCpuSecondsPerGB").asDouble()).isPositive();
        assertThat(report.get("advice").get(0).asText()).containsAnyOf("Save FULL every", "Save STATE every", "Saving every");
        assertThat(bench.err()).contains("Advice:", "94.8 % of the weights");
    }

    @Test
    void aSingleLayerModelHasNoFineTuningCase()
    {
        CliRun bench = cairn("bench", "--store", temp.resolve("bench").toString(), "--model", "mlp:20,5", "--data", "random:64", "--epochs", "1", "--save-every-steps", "1",
                "--loads", "1", "--repeat", "1", "--json");
        assertThat(bench.exitCode()).as(bench.toString()).isZero();
        assertThat(bench.json().get("frozen90").isNull()).isTrue();
        assertThat(bench.json().get("stepsPerSecond").has("frozen90")).isFalse();
        assertThat(bench.json().get("cases")).hasSize(6);
    }

    @Test
    void drawingFromAMalformedOrMissingFileIsBadUsage()
            throws Exception
    {
        Path malformed = Files.writeString(temp.resolve("broken.json"), "{\"cases\": [");
        assertUsageError(cairn("bench", "--plot", temp.resolve("a.svg").toString(), "--from", malformed.toString()), "is not valid JSON");
        Path other = Files.writeString(temp.resolve("other.json"), "{\"store\": \"/tmp/x\", \"checkpoints\": []}");
        assertUsageError(cairn("bench", "--plot", temp.resolve("a.svg").toString(), "--from", other.toString()), "has no \"cases\" array");
        assertUsageError(cairn("bench", "--plot", temp.resolve("a.svg").toString(), "--from", temp.resolve("missing.json").toString()), "no such file");
        assertUsageError(cairn("bench", "--from", malformed.toString()), "give --plot FILE.svg too");
        assertUsageError(cairn("bench"), "Missing --store");
        assertThat(temp.resolve("a.svg")).doesNotExist();
    }

    private static void assertSvgNames(Path svg, List<String> cases)
            throws Exception
    {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // the SVG 1.1 DOCTYPE names a DTD on w3.org: parse without fetching it
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document document = factory.newDocumentBuilder().parse(svg.toFile());
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        String description = document.getElementsByTagName("desc").item(0).getTextContent();
        assertThat(description).contains(cases);
        assertThat(document.getElementsByTagName("path").getLength()).as("the bars and glyphs are drawn").isGreaterThan(cases.size());
    }
}
