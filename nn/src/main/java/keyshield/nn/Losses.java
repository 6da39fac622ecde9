package keyshield.nn;

import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;

/** Classification losses on logits (B, C) and integer labels (B). */
public final class Losses {
    private Losses() {}

    /** How per-sample losses are combined. */
    public enum Reduction { MEAN, SUM }

    /** Mean cross-entropy without label smoothing. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) { return crossEntropy(logits, labels, Reduction.MEAN, 0); }

    /**
     * Cross-entropy with label smoothing ε, as PyTorch's {@code F.cross_entropy}: the target puts 1 − ε
     * on the label and spreads ε uniformly over all C classes, so per sample
     * ℓ = −(1 − ε)·log p_y − (ε/C)·Σ_c log p_c with log p = logSoftmax(logits).
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction, double labelSmoothing) {
        ShapeException.requireRank("crossEntropy", "logits (B, C)", 2, logits.shape());
        if (labels.length != logits.size(0))
            throw new ShapeException("crossEntropy: " + labels.length + " labels for logits of shape " + ShapeException.show(logits.shape()));
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1) but is " + labelSmoothing);
        Tensor logp = logits.logSoftmax(-1);                                           // (B, C)
        Tensor perSample = logp.pick(labels).neg();                                    // (B)
        if (labelSmoothing > 0)
            perSample = perSample.mul(1 - labelSmoothing).add(logp.mean(false, 1).mul(-labelSmoothing));
        return reduction == Reduction.MEAN ? perSample.mean() : perSample.sum();
    }
}
