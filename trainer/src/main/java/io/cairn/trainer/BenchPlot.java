package io.cairn.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.trainer.json.BenchDocuments;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.CategoryStyler;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * {@code cairn bench --plot FILE.svg}: two bar charts side by side in one SVG, each case's throughput
 * relative to no saves and its training-thread stall per save (median), drawn with XChart. The bars come
 * from a report just measured, or from a saved {@code --json} output ({@code --from}), so a figure can be
 * drawn again without re-running the bench.
 */
final class BenchPlot
{
    private static final int WIDTH = 640;
    private static final int HEIGHT = 600;

    private BenchPlot() {}

    /**
     * One case's bars.
     */
    record Bar(String name, double ratioToNoSaves, double stallMedianMillis)
    {
        Bar
        {
            requireNonNull(name, "name is null");
        }
    }

    static List<Bar> bars(BenchDocuments.BenchReport report)
    {
        return report.cases().stream().map(row -> new Bar(row.name(), row.ratioToNoSaves(), row.stallMedianMillis())).toList();
    }

    /**
     * The bars of a saved {@code cairn bench --json} output.
     *
     * @throws UsageException if the file is missing, is not JSON, or is not a bench report
     */
    static List<Bar> bars(Path results)
            throws IOException
    {
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(Files.readString(results));
        }
        catch (NoSuchFileException e) {
            throw new UsageException("--from " + results + ": no such file", e);
        }
        catch (JsonProcessingException e) {
            throw new UsageException("--from " + results + " is not valid JSON (" + e.getOriginalMessage() + "); expected the output of cairn bench --json", e);
        }
        JsonNode cases = report == null ? null : report.get("cases");
        if (cases == null || !cases.isArray() || cases.isEmpty()) {
            throw new UsageException("--from " + results + " has no \"cases\" array; expected the output of cairn bench --json");
        }
        List<Bar> bars = new ArrayList<>();
        for (JsonNode row : cases) {
            JsonNode name = row.get("case");
            JsonNode ratio = row.get("ratioToNoSaves");
            JsonNode stall = row.get("stallMedianMillis");
            if (name == null || !name.isTextual() || ratio == null || !ratio.isNumber() || stall == null || !stall.isNumber()) {
                throw new UsageException("--from " + results + ": a case lacks \"case\", \"ratioToNoSaves\" or \"stallMedianMillis\": " + row);
            }
            bars.add(new Bar(name.asText(), ratio.asDouble(), stall.asDouble()));
        }
        return List.copyOf(bars);
    }

    /**
     * Writes the two charts, side by side, as one SVG. XChart draws text as glyph outlines, so the SVG
     * also gets a {@code <title>} and a {@code <desc>} naming every case with its figures, for search,
     * screen readers and tests.
     */
    static void write(List<Bar> bars, String title, Path target)
            throws IOException
    {
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(charts(bars, title), svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String document = svg.toString(StandardCharsets.UTF_8);
        Matcher root = Pattern.compile("<svg\\b[^>]*>").matcher(document);
        if (!root.find()) {
            throw new IllegalStateException("XChart wrote an SVG without an <svg> element");
        }
        StringBuilder description = new StringBuilder();
        for (Bar bar : bars) {
            description.append(String.format(Locale.ROOT, "%s: %.3f x no saves, stall per save %.2f ms. ", bar.name(), bar.ratioToNoSaves(), bar.stallMedianMillis()));
        }
        String text = root.group() + "\n  <title>" + escape("cairn bench" + title + ": throughput relative to no saves, and stall per save") + "</title>\n  <desc>"
                + escape(description.toString().trim()) + "</desc>";
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(target, document.substring(0, root.start()) + text + document.substring(root.end()));
    }

    /**
     * The two charts as one, for {@link VectorGraphicsEncoder} (or any other XChart encoder).
     */
    static Chart<CategoryStyler, CategorySeries> charts(List<Bar> bars, String title)
    {
        // the charts only draw into vector graphics: no display is needed, or wanted
        System.setProperty("java.awt.headless", "true");
        List<String> names = bars.stream().map(Bar::name).toList();
        CategoryChart throughput = chart("Throughput relative to no saves" + title, "x no saves", "0.00", bars.size());
        throughput.addSeries("steps/s over no saves", names, bars.stream().map(Bar::ratioToNoSaves).toList());
        CategoryChart stall = chart("Training-thread stall per save (median)" + title, "ms", "0.0", bars.size());
        stall.addSeries("stall per save, ms", names, bars.stream().map(Bar::stallMedianMillis).toList());
        return new SideBySide(throughput, stall);
    }

    private static String escape(String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static CategoryChart chart(String title, String yAxis, String decimals, int bars)
    {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yAxis).build();
        CategoryStyler styler = chart.getStyler();
        styler.setLegendVisible(false);
        styler.setXAxisLabelRotation(45);
        styler.setXAxisMaxLabelCount(bars);
        styler.setLabelsVisible(true);
        styler.setLabelsPosition(0.95);
        styler.setDecimalPattern(decimals);
        styler.setYAxisMin(0.0);
        styler.setChartTitleBoxVisible(false);
        return chart;
    }

    /**
     * Two charts next to each other as one, so that one {@link VectorGraphicsEncoder} call draws both.
     */
    private static final class SideBySide
            extends Chart<CategoryStyler, CategorySeries>
    {
        private final CategoryChart left;
        private final CategoryChart right;

        SideBySide(CategoryChart left, CategoryChart right)
        {
            super(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()), new CategoryStyler());
            this.left = left;
            this.right = right;
        }

        @Override
        public void paint(Graphics2D graphics, int width, int height)
        {
            AffineTransform original = graphics.getTransform();
            left.paint(graphics, left.getWidth(), height);
            graphics.translate(left.getWidth(), 0);
            right.paint(graphics, right.getWidth(), height);
            graphics.setTransform(original);
        }
    }
}
