package keyshield.experiments.run;

import keyshield.attacks.AttackSpec;
import keyshield.attacks.Attacks;
import keyshield.attacks.AutoAttack;
import keyshield.attacks.Classifier;
import keyshield.attacks.ThreatModel;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.eval.Accuracy;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.io.Npz;
import keyshield.experiments.report.ProgressBars;
import me.tongfei.progressbar.ProgressBar;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two measurements of the paper's tables, with progress bars: clean accuracy of a model on a test
 * set, and adversarial examples crafted on one model (white-box on itself, or transferred to another:
 * non-adaptive from the plain model, adaptive from a substitute), then accuracy on them (eq. 4:
 * the share of x_adv still classified as y).
 *
 * <p>Crafting is resumable batch by batch: batch i's examples are saved to their own file in the
 * {@link RunDir} when done, and its attack randomness is {@code rng.split("batch", i)}, so a run
 * resumed after a kill crafts exactly the batches an uninterrupted run would have.
 */
public final class Evaluate {
    private Evaluate() {}

    /** Clean accuracy (%) of {@code model} on {@code test}. */
    public static double clean(Module model, Dataset test, int batchSize, String label) { return measure(model, test, batchSize, label).percent(); }

    /** Clean accuracy and mean cross-entropy of {@code model} on {@code test}, in one pass. */
    public static Accuracy.Result measure(Module model, Dataset test, int batchSize, String label) {
        try (ProgressBar bar = ProgressBars.of("clean " + label, test.size(), " img")) {
            return Accuracy.of(model, test, batchSize, bar::stepTo);
        }
    }

    /** Accuracy (%) of {@code model} on the images {@code x} (N, C, H, W) with labels {@code y}. */
    public static double on(Module model, INDArray x, int[] y, int batchSize, List<String> classes) {
        return Accuracy.of(model, Dataset.of("adversarial", x, y, classes), batchSize, done -> { }).percent();
    }

    /**
     * Adversarial examples (N, C, H, W) for {@code x}, {@code y}, crafted on {@code source} in batches of
     * {@code batchSize}: one attack runs through the harness ({@link Attacks#run}) and its x_adv is kept
     * whether or not it fooled the source (a miss on the source may still transfer); several run as an
     * ensemble ({@link AutoAttack#run}), keeping each sample's first successful example.
     */
    public static INDArray craft(RunDir dir, String stage, Module source, INDArray x, int[] y, List<AttackSpec> attacks,
                                 ThreatModel threat, Rng rng, int batchSize) throws IOException {
        if (attacks.isEmpty()) throw new IllegalArgumentException(stage + ": no attacks given");
        int n = y.length, batches = (n + batchSize - 1) / batchSize;
        List<INDArray> parts = new ArrayList<>();
        source.eval();
        Classifier classifier = Classifier.of(source::forward, source.parameters());
        try (ProgressBar bar = ProgressBars.of(stage, n, " img")) {
            for (int b = 0; b < batches; b++) {
                int from = b * batchSize, to = Math.min(n, from + batchSize);
                Path file = dir.adversarial(stage, b);
                INDArray part;
                if (Files.exists(file)) {
                    part = Npz.require(Npz.read(file), "x_adv", file);
                    long[] want = {to - from, x.size(1), x.size(2), x.size(3)};
                    if (!java.util.Arrays.equals(part.shape(), want))
                        throw new IOException(file + ": x_adv has shape " + java.util.Arrays.toString(part.shape()) + " but batch " + b
                                + " of stage '" + stage + "' needs " + java.util.Arrays.toString(want));
                } else {
                    INDArray xb = Scope.outside(() -> x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup());
                    int[] yb = java.util.Arrays.copyOfRange(y, from, to);
                    Rng batchRng = rng.split("batch", b);
                    part = attacks.size() == 1
                            ? Attacks.run(attacks.get(0), classifier, xb, yb, threat, batchRng).xAdv()
                            : AutoAttack.run(attacks, classifier, xb, yb, threat, batchRng).xAdv();
                    Npz.write(file, Map.of("x_adv", part));
                    dir.book();
                }
                parts.add(part);
                bar.stepTo(to);
            }
        }
        return Scope.outside(() -> Nd4j.concat(0, parts.toArray(INDArray[]::new)));   // (N, C, H, W)
    }
}
