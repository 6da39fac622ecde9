package keyshield.experiments.run;

import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.run.WaveletDefenseRun.Fidelity;
import keyshield.experiments.run.WaveletDefenseRun.Kind;
import keyshield.experiments.run.WaveletDefenseRun.Perturbation;
import keyshield.experiments.run.WaveletDefenseRun.Row;
import keyshield.experiments.run.WaveletDefenseRun.Trained;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown of a {@link WaveletDefense} result, shaped like the tables the defense was published with:
 * accuracy (%) with attacks as rows (clean, FGSM ε…, BIM ε…, DeepFool, then the adaptive BPDA-PGD) and the
 * networks with and without denoising as columns; then PSNR/MSE of the denoisers, the size of the
 * transferred perturbations, and the training runs.
 */
final class WaveletReport {
    private WaveletReport() {}

    static String markdown(List<String> pipelines, List<Row> rows, List<Fidelity> fidelity, List<Perturbation> perturbations,
                           List<Trained> training, int cleanImages, int attackedImages) {
        StringBuilder md = new StringBuilder();
        md.append("Accuracy (%) on ").append(String.format(Locale.ROOT, "%,d", cleanImages)).append(" clean test images and ")
                .append(String.format(Locale.ROOT, "%,d", attackedImages)).append(" attacked ones. Transfer attacks are crafted on `")
                .append(WaveletDefense.STANDARD).append("` without denoising (white-box for that column only); adaptive attacks are ")
                .append("crafted on each pipeline itself, through its denoiser with BPDA (plain PGD where there is none).\n\n");
        md.append(accuracy(pipelines, rows)).append('\n');
        md.append("PSNR and MSE between clean test images and their denoised versions:\n\n").append(fidelity(fidelity)).append('\n');
        md.append("Transferred perturbations δ = x_adv − x (DeepFool leaves the images the standard network already misclassifies as they are, δ = 0):\n\n").append(perturbations(perturbations)).append('\n');
        md.append("Training:\n\n").append(training(training));
        return md.toString();
    }

    static String accuracy(List<String> pipelines, List<Row> rows) {
        List<String> header = new ArrayList<>(List.of("attack"));
        pipelines.forEach(p -> header.add("#" + p));
        MarkdownTable t = new MarkdownTable(header.toArray(String[]::new));
        for (Row r : rows) {
            List<Object> cells = new ArrayList<>(List.of(r.kind() == Kind.ADAPTIVE ? r.attack() + " (adaptive)" : r.attack()));
            for (String p : pipelines) cells.add(MarkdownTable.pct(r.accuracy().get(p)));
            t.row(cells.toArray());
        }
        return t.toString();
    }

    static String fidelity(List<Fidelity> fidelity) {
        MarkdownTable t = new MarkdownTable("denoiser", "settings", "#images", "#unchanged", "#PSNR (dB)", "#MSE");
        for (Fidelity f : fidelity)
            t.row(f.denoiser(), f.settings(), f.images(), f.unchanged(), String.format(Locale.ROOT, "%.2f", f.psnr()),
                    String.format(Locale.ROOT, "%.3g", f.mse()));
        return t.toString();
    }

    static String perturbations(List<Perturbation> perturbations) {
        MarkdownTable t = new MarkdownTable("attack", "norm", "#eps", "#mean ℓ2", "#median ℓ2", "#max ℓ∞");
        for (Perturbation p : perturbations)
            t.row(p.attack(), p.norm(), new BigDecimal(p.eps()).round(new MathContext(4)).stripTrailingZeros().toPlainString(), String.format(Locale.ROOT, "%.4f", p.meanL2()),
                    String.format(Locale.ROOT, "%.4f", p.medianL2()), String.format(Locale.ROOT, "%.4f", p.maxLinf()));
        return t.toString();
    }

    static String training(List<Trained> training) {
        MarkdownTable t = new MarkdownTable("network", "trained on", "#steps", "#final loss", "#seconds");
        for (Trained r : training)
            t.row(r.network(), r.denoiser() == null ? "plain images" : r.denoiser() + "-denoised images", r.steps(),
                    String.format(Locale.ROOT, "%.3f", r.finalLoss()), String.format(Locale.ROOT, "%.0f", r.seconds()));
        return t.toString();
    }
}
