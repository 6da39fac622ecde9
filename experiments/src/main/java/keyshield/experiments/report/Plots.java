package keyshield.experiments.report;

import keyshield.tensor.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Line plots as PNG (XChart), e.g. Fig. 4 of the paper: robust accuracy as eps grows, one line per model. */
public final class Plots {
    private Plots() {}

    /** One named line: x values and y values of equal length. */
    public record Series(double[] x, double[] y) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("series has " + x.length + " x values but " + y.length + " y values");
            x = x.clone();
            y = y.clone();
        }
    }

    /** Writes a line chart of {@code series} (insertion order = legend order) to {@code png}, atomically. */
    public static void lines(Path png, String title, String xLabel, String yLabel, LinkedHashMap<String, Series> series) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(520).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        for (Map.Entry<String, Series> e : series.entrySet())
            chart.addSeries(e.getKey(), e.getValue().x(), e.getValue().y()).setMarker(SeriesMarkers.CIRCLE);
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
