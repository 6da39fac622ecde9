package keyshield.attacks;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * What {@link Attacks#run} found, recounted by the harness on the projected points.
 *
 * @param attack        the attack's name
 * @param xAdv          adversarial images (B, C, H, W), within the ε-ball of x and in [0,1]
 * @param logitsAdv     the classifier's logits at xAdv (B, K)
 * @param predictions   argmax of logitsAdv
 * @param success       per sample: predictions[i] ≠ y[i]
 * @param targets       the targets aimed at, or null for an untargeted attack
 * @param zeroGradient  per sample: the input gradient of the margin z_y − max_{k≠y} z_k at the clean
 *                      point is exactly zero (or the pipeline has no gradient path at all). A sample that
 *                      "survives" a gradient attack with a zero gradient is not evidence of robustness.
 * @param perturbationNorms ‖x_adv − x‖_p per sample, in the threat model's norm
 */
public record AttackResult(String attack, INDArray xAdv, INDArray logitsAdv, int[] predictions, boolean[] success,
                           int[] targets, boolean[] zeroGradient, double[] perturbationNorms) {

    public int size() { return success.length; }

    /** Fraction of samples still classified correctly after the attack. */
    public double robustAccuracy() { return (double) (size() - successCount()) / size(); }

    public int successCount() {
        int n = 0;
        for (boolean s : success) if (s) n++;
        return n;
    }

    /** How many samples have a zero input gradient at the clean point. */
    public int zeroGradientCount() {
        int n = 0;
        for (boolean z : zeroGradient) if (z) n++;
        return n;
    }

    /** Samples counted robust although their input gradient is zero: robustness here is unverified. */
    public int robustWithZeroGradient() {
        int n = 0;
        for (int i = 0; i < size(); i++) if (!success[i] && zeroGradient[i]) n++;
        return n;
    }

    /** Per sample: the target was reached (false everywhere for an untargeted attack). */
    public boolean[] targetReached() {
        boolean[] r = new boolean[size()];
        if (targets != null) for (int i = 0; i < r.length; i++) r[i] = predictions[i] == targets[i];
        return r;
    }

    @Override public boolean equals(Object o) {
        return o instanceof AttackResult r && attack.equals(r.attack) && xAdv.equals(r.xAdv) && logitsAdv.equals(r.logitsAdv)
                && Arrays.equals(predictions, r.predictions) && Arrays.equals(success, r.success)
                && Arrays.equals(targets, r.targets) && Arrays.equals(zeroGradient, r.zeroGradient)
                && Arrays.equals(perturbationNorms, r.perturbationNorms);
    }

    @Override public int hashCode() { return Arrays.hashCode(predictions) * 31 + attack.hashCode(); }

    @Override public String toString() {
        return String.format("%s: robust accuracy %.4f (%d/%d fooled, %d zero-gradient)", attack, robustAccuracy(),
                successCount(), size(), zeroGradientCount());
    }
}
