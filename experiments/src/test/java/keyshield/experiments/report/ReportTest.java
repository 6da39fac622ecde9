package keyshield.experiments.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportTest {
    @TempDir Path dir;

    @Test
    void markdownTableAlignsNumbersRightAndMarksAbsentCells() {
        String t = new MarkdownTable("model", "#clean", "#adaptive")
                .row("plain", MarkdownTable.pct(78.6412), null)
                .row("key M=4 lora", MarkdownTable.pct(5.0), MarkdownTable.pct(100.0))
                .toString();
        assertThat(t).isEqualTo(
                "| model        | clean | adaptive |\n"
              + "| ------------ | ----: | -------: |\n"
              + "| plain        | 78.64 |        – |\n"
              + "| key M=4 lora |  5.00 |   100.00 |\n");
        assertThatThrownBy(() -> new MarkdownTable("a", "b").row("x")).hasMessageContaining("1 cells").hasMessageContaining("2 columns");
    }

    record Row(String model, Double clean) {}

    record Result(List<Row> rows, Provenance provenance) {}

    @Test
    void resultsRoundTripThroughJsonWithProvenance() throws IOException {
        Provenance p = Provenance.start().finish(List.of(7L, 8L), List.of("ab12cd34"));
        assertThat(p.gitCommit()).matches("[0-9a-f]{40}|unknown");
        assertThat(p.invocations()).as("one process did the whole run").singleElement()
                .satisfies(i -> assertThat(i.gitCommit()).isEqualTo(p.gitCommit())).satisfies(i -> assertThat(i.started()).isEqualTo(p.started()));
        assertThat(p.wallSeconds()).isGreaterThanOrEqualTo(0);
        assertThat(p.nd4jBuild()).contains("nd4j");
        Result r = new Result(List.of(new Row("plain", 78.64), new Row("key", null)), p);
        Path f = dir.resolve("r.json");
        ResultFiles.writeJson(f, r);
        String json = Files.readString(f);
        assertThat(json).contains("\"model\" : \"plain\"").contains("\"keyFingerprints\" : [ \"ab12cd34\" ]").contains("\"started\" : \"20");
        assertThat(ResultFiles.readJson(f, Result.class)).isEqualTo(r);
    }

    @Test
    void plotsAreRealPngs() throws IOException {
        var series = new LinkedHashMap<String, Plots.Series>();
        series.put("plain", new Plots.Series(new double[] {0, 2, 4, 8}, new double[] {78, 20, 3, 0}));
        series.put("key M=4", new Plots.Series(new double[] {0, 2, 4, 8}, new double[] {75, 74, 72, 70}));
        Path png = dir.resolve("eps.png");
        Plots.lines(png, "accuracy vs eps", "eps (/255)", "accuracy (%)", series);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(520);
        long distinct = java.util.stream.IntStream.range(0, 800).map(x -> img.getRGB(x, 260)).distinct().count();
        assertThat(distinct).as("a drawn chart, not a blank image").isGreaterThan(2);
        assertThatThrownBy(() -> new Plots.Series(new double[] {1}, new double[] {1, 2})).hasMessageContaining("1 x values but 2 y values");
    }
}
