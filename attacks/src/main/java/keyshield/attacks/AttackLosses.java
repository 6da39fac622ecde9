package keyshield.attacks;

import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-sample attack objectives on logits z (B, K), each returning a (B) tensor that attacks maximise.
 * The order statistics the DLR losses need (π1 ≥ π2 ≥ … the classes by decreasing logit) are found on
 * the values and then {@link Tensor#pick picked}, so the gradient flows through the chosen logits exactly
 * as through a differentiable sort.
 */
public final class AttackLosses {
    private AttackLosses() {}

    /** A per-sample loss to maximise: (B, K) logits and B labels → (B). */
    @FunctionalInterface
    public interface Loss {
        Tensor perSample(Tensor logits, int[] labels);
    }

    /** Cross-entropy −log softmax(z)_y (untargeted: maximise it). */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        check("crossEntropy", logits, labels);
        return logits.logSoftmax(-1).pick(labels).neg();
    }

    /** Targeted: log softmax(z)_t, i.e. minus the cross-entropy towards the target t (maximise it). */
    public static Tensor targetedCrossEntropy(Tensor logits, int[] targets) {
        check("targetedCrossEntropy", logits, targets);
        return logits.logSoftmax(-1).pick(targets);
    }

    /**
     * Difference of logits ratio (Croce &amp; Hein 2020, eq. 5):
     * DLR(z, y) = −(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e-12). Shift- and scale-invariant in z.
     * Needs at least 3 classes.
     */
    public static Tensor dlr(Tensor logits, int[] labels) {
        check("dlr", logits, labels);
        int[][] order = descendingOrder(logits.value(), 3);
        int[] other = new int[labels.length], top1 = new int[labels.length], top3 = new int[labels.length];
        for (int b = 0; b < labels.length; b++) {
            other[b] = order[b][0] == labels[b] ? order[b][1] : order[b][0];
            top1[b] = order[b][0];
            top3[b] = order[b][2];
        }
        Tensor num = logits.pick(labels).sub(logits.pick(other));
        Tensor den = logits.pick(top1).sub(logits.pick(top3)).add(1e-12);
        return num.div(den).neg();
    }

    /**
     * Targeted DLR (Croce &amp; Hein 2020, eq. 6):
     * −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12). Needs at least 4 classes.
     */
    public static Tensor targetedDlr(Tensor logits, int[] labels, int[] targets) {
        check("targetedDlr", logits, labels);
        check("targetedDlr", logits, targets);
        int[][] order = descendingOrder(logits.value(), 4);
        int n = labels.length;
        int[] top1 = new int[n], top3 = new int[n], top4 = new int[n];
        for (int b = 0; b < n; b++) { top1[b] = order[b][0]; top3[b] = order[b][2]; top4[b] = order[b][3]; }
        Tensor num = logits.pick(labels).sub(logits.pick(targets));
        Tensor den = logits.pick(top1).sub(logits.pick(top3).add(logits.pick(top4)).mul(0.5)).add(1e-12);
        return num.div(den).neg();
    }

    /** Margin z_y − max_{k≠y} z_k per row of plain logits (B, K): negative exactly when misclassified. */
    public static double[] margin(INDArray logits, int[] labels) {
        double[][] z = logits.toDoubleMatrix();
        double[] m = new double[labels.length];
        for (int b = 0; b < m.length; b++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < z[b].length; k++) if (k != labels[b]) best = Math.max(best, z[b][k]);
            m[b] = z[b][labels[b]] - best;
        }
        return m;
    }

    /** For each row, the indices of its {@code k} largest entries, largest first (ties: lower index first). */
    public static int[][] descendingOrder(INDArray logits, int k) {
        double[][] z = logits.toDoubleMatrix();
        if (z.length > 0 && z[0].length < k)
            throw new ShapeException("descendingOrder: need at least " + k + " classes but logits have shape " + ShapeException.show(logits.shape()));
        int[][] out = new int[z.length][];
        for (int b = 0; b < z.length; b++) {
            Integer[] idx = new Integer[z[b].length];
            for (int i = 0; i < idx.length; i++) idx[i] = i;
            double[] row = z[b];
            java.util.Arrays.sort(idx, (i, j) -> Double.compare(row[j], row[i]));
            out[b] = new int[k];
            for (int i = 0; i < k; i++) out[b][i] = idx[i];
        }
        return out;
    }

    /** The predicted class (argmax) of each row. */
    public static int[] predictions(INDArray logits) {
        double[][] z = logits.toDoubleMatrix();
        int[] p = new int[z.length];
        for (int b = 0; b < z.length; b++) {
            int best = 0;
            for (int k = 1; k < z[b].length; k++) if (z[b][k] > z[b][best]) best = k;
            p[b] = best;
        }
        return p;
    }

    private static void check(String op, Tensor logits, int[] labels) {
        ShapeException.requireRank(op, "logits (B, K)", 2, logits.shape());
        if (labels.length != logits.size(0))
            throw new ShapeException(op + ": " + labels.length + " labels for logits of shape " + ShapeException.show(logits.shape()));
        long k = logits.size(1);
        for (int i = 0; i < labels.length; i++)
            if (labels[i] < 0 || labels[i] >= k)
                throw new IllegalArgumentException(op + ": label " + labels[i] + " of sample " + i + " is outside [0, " + k + ")");
    }
}
