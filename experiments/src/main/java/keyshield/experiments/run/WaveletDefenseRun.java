package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import keyshield.attacks.Norm;
import keyshield.defense.wavelet.DenoiseTransform;
import keyshield.defense.wavelet.ImageMetrics;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.train.Trainer;
import keyshield.nn.resnet.ResNet;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link WaveletDefense} stage by stage in a {@link RunDir}:
 * <ol>
 *   <li>train the networks: {@code standard} on plain images, {@code <d>-trained} with denoiser d in front of
 *       it during training (every augmented batch is denoised exactly as test images will be);</li>
 *   <li>PSNR and MSE between the clean test images and their denoised versions, per denoiser;</li>
 *   <li>craft the transfer attacks once on the standard network without denoising;</li>
 *   <li>per pipeline (network × with/without denoiser): clean accuracy, accuracy on every transfer
 *       attack's examples, and the adaptive attacks crafted through that pipeline (BPDA) and evaluated on it.</li>
 * </ol>
 * Stages are saved when they finish, training checkpoints as it goes and attacks save batch by batch, so
 * {@code --resume} after a kill continues where the run stopped and ends with the same numbers.
 */
public final class WaveletDefenseRun {
    private WaveletDefenseRun() {}

    /** Which kind of row: clean images, examples transferred from the standard network, or crafted on the pipeline itself. */
    public enum Kind { CLEAN, TRANSFER, ADAPTIVE }

    /** One row of the accuracy table: accuracy (%) per pipeline label, in table order. */
    public record Row(String attack, Kind kind, Map<String, Double> accuracy) {
        public Row { accuracy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(accuracy)); }
    }

    /** A trained network: the denoiser it was trained behind (null for the standard one), steps, final smoothed loss, seconds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trained(String network, String denoiser, long steps, double finalLoss, double seconds) {}

    /**
     * How much a denoiser changes clean images: mean per-image PSNR (dB, data range 1) over the images it
     * changed at all ({@code unchanged} of them it left bit-identical, with PSNR +∞), and mean per-image MSE over all.
     */
    public record Fidelity(String denoiser, String settings, int images, int unchanged, double psnr, double mse) {}

    /** The size of a transfer attack's perturbations δ = x_adv − x over the attacked images: ℓ2 mean and median, ℓ∞ maximum. */
    public record Perturbation(String attack, Norm norm, double eps, double meanL2, double medianL2, double maxLinf) {}

    /** The saved result of one pipeline's stage: clean accuracy and accuracy per transfer and adaptive attack (%). */
    public record Column(String pipeline, double clean, Map<String, Double> transfer, Map<String, Double> adaptive) {}

    /**
     * The result file.
     *
     * @param pipelines      column labels, in table order
     * @param computeSeconds compute time booked over every invocation of the run (see {@link RunDir#book()})
     * @param markdown       the tables as printed
     */
    public record Result(WaveletDefense experiment, List<String> pipelines, List<Row> rows, List<Fidelity> fidelity,
                         List<Perturbation> perturbations, List<Trained> training, int cleanImages, int attackedImages,
                         double computeSeconds, String markdown, Provenance provenance) implements RunResult {}

    public static Result run(WaveletDefense e, RunDir dir, PrintStream out) throws IOException {
        var clock = Provenance.start();
        Rng root = Rng.seeded(e.seed());
        Dataset train = e.data().open(Split.TRAIN).spread(e.trainImages());
        Dataset fullTest = e.data().open(Split.TEST);
        Dataset test = fullTest.spread(e.testImages());
        Dataset attackSet = fullTest.every(e.attackEvery()).spread(e.attackImages());
        requireFits(e, fullTest);
        INDArray xAtt = attackSet.images();                                   // (N, C, H, W)
        int[] yAtt = attackSet.labels();
        out.printf("%s: %,d training images, %,d test images (clean), %,d attacked (every %d-th test image)%n",
                e.name(), train.size(), test.size(), attackSet.size(), e.attackEvery());

        Map<String, ResNet> nets = new LinkedHashMap<>();
        List<Trained> training = new ArrayList<>();
        training.add(train(dir, e, WaveletDefense.STANDARD, null, train, root, nets));
        for (Denoiser d : e.denoisers()) training.add(train(dir, e, d.networkName(), d, train, root, nets));
        List<WaveletPipeline> pipelines = pipelines(e, nets);

        List<Fidelity> fidelity = new ArrayList<>();
        for (Denoiser d : e.denoisers()) {
            Fidelity f = dir.stage("fidelity " + d.name(), Fidelity.class, () -> fidelity(d, test, e.evalBatch()));
            fidelity.add(f);
            out.printf("%s: PSNR %.2f dB, MSE %.3g on %,d clean test images%n", d.name(), f.psnr(), f.mse(), f.images());
        }

        WaveletPipeline source = pipelines.get(0);                            // the standard network, no denoiser
        Map<String, INDArray> transfer = new LinkedHashMap<>();
        List<Perturbation> perturbations = new ArrayList<>();
        for (NamedAttack a : e.transferAttacks()) {
            INDArray adv = Evaluate.craft(dir, "transfer " + a.name(), source.module(), xAtt, yAtt, List.of(a.attack()), a.threat(),
                    root.split("transfer " + a.name()), e.attackBatch());
            transfer.put(a.name(), adv);
            perturbations.add(perturbation(a, xAtt, adv));
        }

        List<Column> columns = new ArrayList<>();
        for (WaveletPipeline p : pipelines) {
            Column c = dir.stage("evaluate " + p.label(), Column.class, () -> evaluate(dir, e, p, test, xAtt, yAtt, transfer, root));
            columns.add(c);
            out.printf("%s: clean %.2f%%, transfer %s, adaptive %s%n", p.label(), c.clean(), c.transfer(), c.adaptive());
        }
        transfer.values().forEach(INDArray::close);
        xAtt.close();

        List<Row> rows = rows(e, columns);
        List<String> labels = columns.stream().map(Column::pipeline).toList();
        String markdown = WaveletReport.markdown(labels, rows, fidelity, perturbations, training, test.size(), attackSet.size());
        dir.book();
        return new Result(e, labels, rows, fidelity, perturbations, training, test.size(), attackSet.size(), dir.bookedSeconds(), markdown,
                clock.finish(List.of(e.seed()), List.of(), dir.invocations()));
    }

    /** The model has as many classes and input channels as the data. */
    private static void requireFits(WaveletDefense e, Dataset test) {
        if (e.resnet().numClasses() != test.numClasses() || e.resnet().inChans() != test.channels())
            throw new IllegalArgumentException("WaveletDefense " + e.name() + ": resnet has " + e.resnet().numClasses() + " classes and "
                    + e.resnet().inChans() + " input channels but the data has " + test.numClasses() + " classes " + test.classes() + " and "
                    + test.channels() + " channels");
    }

    /** Trains (or, in a resumed run, loads) network {@code network} behind {@code denoiser} (null: plain images) and records it in {@code nets}. */
    private static Trained train(RunDir dir, WaveletDefense e, String network, Denoiser denoiser, Dataset train, Rng root,
                                 Map<String, ResNet> nets) throws IOException {
        String stage = "train " + network;
        Rng rng = root.split(stage);
        ResNet resnet = new ResNet(e.resnet(), rng.split("init"));
        WaveletPipeline p = WaveletPipeline.of(network, resnet, denoiser);
        Trained t = dir.stage(stage, Trained.class, () -> {
            Trainer.Summary s = Trainer.train(p.module(), train, e.recipe(), rng.split("train"), stage,
                    new Trainer.Checkpointing(dir.checkpoint(stage), e.checkpointEvery(), dir::book));
            WaveletPipeline.save(resnet, dir.model(stage), Map.of("stage", stage, "network", network));
            return new Trained(network, denoiser == null ? null : denoiser.name(), s.steps(), s.finalLoss(), s.seconds());
        });
        nets.put(network, WaveletPipeline.load(resnet, dir.model(stage)));
        return t;
    }

    /**
     * The table's columns: the standard network alone and behind each denoiser, then each denoiser's network
     * alone and behind its own denoiser.
     */
    static List<WaveletPipeline> pipelines(WaveletDefense e, Map<String, ResNet> nets) {
        ResNet standard = nets.get(WaveletDefense.STANDARD);
        List<WaveletPipeline> p = new ArrayList<>(List.of(WaveletPipeline.of(WaveletDefense.STANDARD, standard, null)));
        for (Denoiser d : e.denoisers()) p.add(WaveletPipeline.of(WaveletDefense.STANDARD, standard, d));
        for (Denoiser d : e.denoisers()) {
            p.add(WaveletPipeline.of(d.networkName(), nets.get(d.networkName()), null));
            p.add(WaveletPipeline.of(d.networkName(), nets.get(d.networkName()), d));
        }
        List<String> slugs = p.stream().map(q -> RunDir.slug(q.label())).toList();
        if (slugs.stream().distinct().count() != slugs.size())
            throw new IllegalArgumentException("WaveletDefense " + e.name() + ": pipeline names " + p.stream().map(WaveletPipeline::label).toList()
                    + " collide as file names " + slugs + "; rename the denoisers");
        return p;
    }

    /** PSNR and MSE between each test image and clip(denoise(image)), in batches. */
    static Fidelity fidelity(Denoiser d, Dataset test, int batchSize) {
        DenoiseTransform t = d.transform();
        double psnrSum = 0, mseSum = 0;
        int unchanged = 0;
        for (int start = 0; start < test.size(); start += batchSize) {
            int[] idx = java.util.stream.IntStream.range(start, Math.min(test.size(), start + batchSize)).toArray();
            INDArray x = test.images(idx);                                    // (b, C, H, W)
            try (var s = Scope.open()) {
                INDArray y = t.apply(x);
                for (int i = 0; i < idx.length; i++) {
                    double mse = ImageMetrics.mse(x.slice(i), y.slice(i));
                    mseSum += mse;
                    if (mse == 0) unchanged++;
                    else psnrSum += ImageMetrics.psnr(x.slice(i), y.slice(i), 1.0);
                }
            } finally {
                x.close();
            }
        }
        int changed = test.size() - unchanged;
        return new Fidelity(d.name(), t.describe(), test.size(), unchanged, changed == 0 ? Double.NaN : psnrSum / changed, mseSum / test.size());
    }

    /** ℓ2 and ℓ∞ sizes of x_adv − x, per image. */
    static Perturbation perturbation(NamedAttack a, INDArray x, INDArray adv) {
        try (var s = Scope.open()) {
            INDArray delta = adv.sub(x).reshape(x.size(0), -1);                // (N, C·H·W)
            double[] l2 = Norm.L2.norms(delta).toDoubleVector(), linf = Norm.LINF.norms(delta).toDoubleVector();
            double[] sorted = l2.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Perturbation(a.name(), a.threat().norm(), a.threat().eps(), Arrays.stream(l2).average().orElse(Double.NaN), median,
                    Arrays.stream(linf).max().orElse(Double.NaN));
        }
    }

    /** One pipeline's column: clean accuracy, the transfer attacks' examples, and its own adaptive attacks. */
    private static Column evaluate(RunDir dir, WaveletDefense e, WaveletPipeline p, Dataset test, INDArray xAtt, int[] yAtt,
                                   Map<String, INDArray> transfer, Rng root) throws IOException {
        String label = p.label();
        List<String> classes = test.classes();
        double clean = dir.stage("clean " + label, Double.class, () -> Evaluate.clean(p.module(), test, e.evalBatch(), label));
        Map<String, Double> onTransfer = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> t : transfer.entrySet())
            onTransfer.put(t.getKey(), Evaluate.on(p.module(), t.getValue(), yAtt, e.evalBatch(), classes));
        Map<String, Double> onAdaptive = new LinkedHashMap<>();
        for (NamedAttack a : e.adaptiveAttacks()) {
            String stage = "adaptive " + a.name() + " on " + label;
            INDArray adv = Evaluate.craft(dir, stage, p.module(), xAtt, yAtt, List.of(a.attack()), a.threat(), root.split(stage), e.attackBatch());
            onAdaptive.put(a.name(), Evaluate.on(p.module(), adv, yAtt, e.evalBatch(), classes));
            adv.close();
        }
        return new Column(label, clean, onTransfer, onAdaptive);
    }

    /** Rows of the accuracy table: clean, each transfer attack, each adaptive attack; one value per pipeline. */
    private static List<Row> rows(WaveletDefense e, List<Column> columns) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("clean", Kind.CLEAN, collect(columns, c -> c.clean())));
        for (NamedAttack a : e.transferAttacks()) rows.add(new Row(a.name(), Kind.TRANSFER, collect(columns, c -> c.transfer().get(a.name()))));
        for (NamedAttack a : e.adaptiveAttacks()) rows.add(new Row(a.name(), Kind.ADAPTIVE, collect(columns, c -> c.adaptive().get(a.name()))));
        return rows;
    }

    private static Map<String, Double> collect(List<Column> columns, java.util.function.Function<Column, Double> value) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Column c : columns) m.put(c.pipeline(), value.apply(c));
        return m;
    }
}
