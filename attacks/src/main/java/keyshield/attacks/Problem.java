package keyshield.attacks;

import keyshield.tensor.Function;
import keyshield.tensor.GradMode;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One attack problem as the harness hands it to an algorithm: the classifier, the clean images as flat
 * rows x (B, D), their image shape (C, H, W), the true labels, the threat model and the clean logits
 * z(x) (B, K) from the harness's probe forward. Its methods are the algorithms' only access to the
 * classifier: logits without a graph, and loss values with the input gradient, read through an identity
 * {@link Tap} so that no leaf gradient buffer is ever allocated. Algorithms read clean predictions from
 * {@link #cleanLogits()} rather than running the classifier on x again (a forward of a ViT at batch 128
 * is ~0.4 s, 3% of a PGD-10).
 */
record Problem(Classifier classifier, INDArray x, long[] imageShape, int[] y, ThreatModel threat, INDArray cleanLogits) {

    /** A problem before the harness's probe: its clean logits are not known yet. */
    Problem(Classifier classifier, INDArray x, long[] imageShape, int[] y, ThreatModel threat) {
        this(classifier, x, imageShape, y, threat, null);
    }

    /** The same problem with its clean logits (B, K) known. */
    Problem withCleanLogits(INDArray logits) {
        ShapeException.requireShape("attack harness", "clean logits", new long[] {x.size(0), logits.size(1)}, logits.shape());
        return new Problem(classifier, x, imageShape, y, threat, logits);
    }

    /** z(x) (B, K), set by the harness's probe before any attack runs. */
    @Override public INDArray cleanLogits() {
        if (cleanLogits == null) throw new IllegalStateException("the clean logits of this problem are set by the harness's probe, which has not run");
        return cleanLogits;
    }

    /** The number of classes K. */
    int numClasses() { return (int) cleanLogits().size(1); }

    int batch() { return (int) x.size(0); }

    /** The same problem restricted to the samples {@code idx} (rows copied outside any scope). */
    Problem subset(int[] idx) {
        int[] ys = new int[idx.length];
        for (int i = 0; i < idx.length; i++) ys[i] = y[idx[i]];
        INDArray rows = keyshield.tensor.Scope.outside(() -> x.getRows(idx).dup('c'));
        INDArray logits = cleanLogits == null ? null : keyshield.tensor.Scope.outside(() -> cleanLogits.getRows(idx).dup('c'));
        return new Problem(classifier, rows, imageShape, ys, threat, logits);
    }

    double eps() { return threat.eps(); }

    Norm norm() { return threat.norm(); }

    /** Flat rows (n, D) as images (n, C, H, W). */
    INDArray images(INDArray rows) {
        long[] s = new long[] {rows.size(0), imageShape[0], imageShape[1], imageShape[2]};
        return rows.reshape('c', s);                                       // (n, C, H, W)
    }

    /** Logits (n, K) of flat rows, without recording a graph. */
    INDArray logits(INDArray rows) {
        try (var noGrad = GradMode.off()) {
            return classifier.logits(Tensor.constant(images(rows))).value();
        }
    }

    /** Logits, per-sample loss and its input gradient at one point. */
    record Evaluation(INDArray logits, INDArray loss, INDArray grad) {}

    /**
     * Forward and backward of Σ_i loss_i (or the mean) at rows (n, D); the gradient is returned as (n, D).
     * If no path leads from the logits back to x (a non-differentiable pipeline) the gradient is zero,
     * which the harness then reports.
     */
    Evaluation lossAndGrad(INDArray rows, AttackLosses.Loss loss, int[] labels, LossReduction reduction) {
        Tap tap = new Tap();
        try (var on = GradMode.on()) {                         // attacks may be called from a no-grad block
            Tensor input = Function.apply(tap, Tensor.variable(images(rows)));
            Tensor logits = classifier.logits(input);
            Tensor perSample = loss.perSample(logits, labels);                        // (n)
            Tensor total = reduction == LossReduction.SUM ? perSample.sum() : perSample.mean();
            if (total.requiresGrad()) total.backward();
            return new Evaluation(logits.value(), perSample.value(), gradOf(tap, rows));
        }
    }

    /**
     * Logits z (n, K) and, for each of m classes per sample, ∇x z_{c[i][j]} (m, n, D): one forward, then m
     * backward passes through the retained graph with one-hot seeds (samples are independent, so a seed
     * with one 1 per row gives every row's gradient at once).
     */
    INDArray[] logitGradients(INDArray rows, int[][] classes, int m) {
        Tap tap = new Tap();
        try (var on = GradMode.on()) {
            Tensor input = Function.apply(tap, Tensor.variable(images(rows)));
            Tensor logits = classifier.logits(input);
            int n = (int) rows.size(0);
            INDArray[] out = new INDArray[m + 1];
            out[0] = logits.value();
            for (int j = 0; j < m; j++) {
                if (!logits.requiresGrad()) { out[j + 1] = Nd4j.zeros(rows.dataType(), rows.shape()); continue; }
                INDArray seed = Nd4j.zeros(logits.dtype(), logits.shape());
                for (int i = 0; i < n; i++) seed.putScalar(i, classes[i][j], 1.0);
                tap.g = null;
                logits.backward(seed, j < m - 1);
                out[j + 1] = gradOf(tap, rows);
            }
            return out;
        }
    }

    private static INDArray gradOf(Tap tap, INDArray rows) {
        if (tap.g == null) return Nd4j.zeros(rows.dataType(), rows.shape());
        return tap.g.dup('c').reshape('c', rows.shape());                     // (n, D)
    }

    /** Identity on the input image whose backward records ∂L/∂x instead of passing it to the leaf. */
    static final class Tap extends keyshield.tensor.Function {
        INDArray g;

        @Override protected INDArray forward(INDArray... in) { return in[0]; }

        @Override protected INDArray[] backward(INDArray gradOutput) {
            g = gradOutput;
            return new INDArray[] {null};
        }
    }
}
