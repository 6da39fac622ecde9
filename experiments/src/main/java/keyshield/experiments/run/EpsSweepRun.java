package keyshield.experiments.run;

import keyshield.attacks.Norm;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Plots;
import keyshield.experiments.report.Provenance;
import keyshield.tensor.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Runs an {@link EpsSweep} in a {@link RunDir}: per model, stage {@code clean <label>}, then per budget ε_j
 * the examples crafted batch by batch (stage {@code attack <label> eps <j>}, see {@link Evaluate#craft}) and
 * the model's accuracy on them (stage {@code robust <label> eps <j>}). The attack randomness of model m
 * at ε_j is {@code Rng.seeded(seed).split("attack " + label).split("eps", j)}. Then the table and the plot.
 */
public final class EpsSweepRun {
    private EpsSweepRun() {}

    /** One point of a curve: accuracy (%) at budget eps. */
    public record Point(double eps, double accuracy) {}

    /** One model's curve; {@code key} is its key's fingerprint, or "none". */
    public record Curve(String model, String key, double clean, List<Point> points) {}

    /**
     * The result file.
     *
     * @param curves         one per model, in the experiment's order
     * @param images         how many images were attacked
     * @param plot           the PNG line plot
     * @param computeSeconds compute time booked over every invocation
     */
    public record Result(EpsSweep experiment, List<Curve> curves, int images, Path plot, double computeSeconds, String markdown,
                         Provenance provenance) implements RunResult {}

    public static Result run(EpsSweep s, RunDir dir, PrintStream out, Path plot) throws IOException {
        var clock = Provenance.start();
        Rng root = Rng.seeded(s.seed());
        Dataset attackSet = s.data().open(Split.TEST).every(s.attackEvery()).spread(s.attackImages());
        INDArray x = attackSet.images();                                                   // (N, C, H, W)
        int[] y = attackSet.labels();
        out.printf("%s: %d models × %d budgets, %s on %,d images (every %d-th)%n", s.name(), s.models().size(), s.eps().size(),
                s.attack().build().name(), y.length, s.attackEvery());

        List<Curve> curves = new ArrayList<>();
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (DefendedModel m : s.models()) {
            KeyedModel model = m.load(attackSet);
            Optional<String> key = m.fingerprint(attackSet);
            key.ifPresent(keys::add);
            double clean = dir.stage("clean " + m.label(), Double.class, () -> Evaluate.clean(model.pipeline(), attackSet, s.evalBatch(), m.label()));
            List<Point> points = new ArrayList<>();
            for (int j = 0; j < s.eps().size(); j++) {
                double e = s.eps().get(j);
                String stage = m.label() + " eps " + j;
                INDArray adv = Evaluate.craft(dir, "attack " + stage, model.pipeline(), x, y, List.of(s.attackAt(e)), s.threat(e),
                        root.split("attack " + m.label()).split("eps", j), s.attackBatch());
                double acc = dir.stage("robust " + stage, Double.class, () -> Evaluate.on(model.pipeline(), adv, y, s.evalBatch(), attackSet.classes()));
                adv.close();
                points.add(new Point(e, acc));
                out.printf("%s: eps %s accuracy %.2f%%%n", m.label(), EpsSweep.epsLabel(e), acc);
            }
            curves.add(new Curve(m.label(), key.orElse("none"), clean, points));
        }

        List<String> header = new ArrayList<>(List.of("model", "#clean"));
        for (double e : s.eps()) header.add("#ε " + EpsSweep.epsLabel(e));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (Curve c : curves) {
            List<Object> cells = new ArrayList<>(List.of(c.model(), MarkdownTable.pct(c.clean())));
            for (Point p : c.points()) cells.add(MarkdownTable.pct(p.accuracy()));
            table.row(cells.toArray());
        }
        plot(s, curves, plot);
        dir.book();
        return new Result(s, curves, y.length, plot, dir.bookedSeconds(), table.toString(), clock.finish(List.of(s.seed()), List.copyOf(keys), dir.invocations()));
    }

    /** Fig. 4: accuracy against ε, one line per model; ℓ∞ budgets in units of 1/255. */
    private static void plot(EpsSweep s, List<Curve> curves, Path png) throws IOException {
        boolean linf = s.norm() == Norm.LINF;
        LinkedHashMap<String, Plots.Series> series = new LinkedHashMap<>();
        for (Curve c : curves) {
            double[] ex = c.points().stream().mapToDouble(p -> linf ? 255 * p.eps() : p.eps()).toArray();
            series.put(c.model(), new Plots.Series(ex, c.points().stream().mapToDouble(Point::accuracy).toArray()));
        }
        Plots.lines(png, s.name() + ": accuracy under " + s.attack().build().name() + " (" + s.norm() + ")", linf ? "ε (×1/255)" : "ε",
                "accuracy (%)", series);
    }
}
