package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.tensor.GradMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AutoAttack (Croce &amp; Hein, ICML 2020), version "standard": APGD-CE, APGD-T (targeted DLR, 9 targets),
 * FAB-T (9 targets) and Square (5000 queries), run in this order. Clean accuracy is measured first; each
 * attack then runs only on the points still classified correctly, and a point counts as broken as soon as
 * one attack fools it. The report gives the accuracy after each attack; the last one is the worst case
 * over the ensemble. Every attack goes through {@link Attacks#run}, so each result is projected and
 * recounted by the harness.
 */
public final class AutoAttack {
    private AutoAttack() {}

    /** The four attacks of the standard version, in order. */
    public static List<AttackSpec> standard() {
        return List.of(ApgdSpec.ce(), ApgdSpec.targeted(), FabSpec.targetedStandard(), SquareSpec.standard());
    }

    /**
     * @param cleanAccuracy   accuracy on the clean points
     * @param accuracyAfter   robust accuracy after each attack, in run order (attack name → accuracy)
     * @param robust          per sample: still correctly classified after all attacks
     * @param xAdv            (B, C, H, W): the successful adversarial example per broken sample, x elsewhere
     * @param zeroGradient    per sample: the harness found a zero input gradient at x (from the first attack
     *                        that ran on it); a robust sample with this flag is unverified
     */
    public record Result(double cleanAccuracy, Map<String, Double> accuracyAfter, boolean[] robust, INDArray xAdv,
                         boolean[] zeroGradient) {
        /** The worst-case robust accuracy over the ensemble. */
        public double robustAccuracy() {
            int n = 0;
            for (boolean r : robust) if (r) n++;
            return (double) n / robust.length;
        }
    }

    /** Runs {@code attacks} as an ensemble on images x (B, C, H, W) with labels y. */
    public static Result run(List<AttackSpec> attacks, Classifier classifier, INDArray x, int[] y, ThreatModel threat, Rng rng) {
        Attacks.checkInputs("autoattack", x, y);
        int b = y.length;
        boolean[] robust = new boolean[b];
        boolean[] zeroGradient = new boolean[b];
        INDArray xAdv = Scope.outside(x::dup);
        try (var s = Scope.open(); var off = GradMode.off()) {
            int[] pred = AttackLosses.predictions(classifier.logits(Tensor.constant(x)).value());
            for (int i = 0; i < b; i++) robust[i] = pred[i] == y[i];
        }
        double clean = fraction(robust);
        Map<String, Double> after = new LinkedHashMap<>();
        boolean[] probed = new boolean[b];
        for (AttackSpec spec : attacks) {
            Attack attack = spec.build();
            int[] idx = Apgd.indices(robust);
            if (idx.length > 0) {
                INDArray xs = Scope.outside(() -> x.get(org.nd4j.linalg.indexing.NDArrayIndex.indices(toLong(idx))).dup());
                int[] ys = new int[idx.length];
                for (int i = 0; i < idx.length; i++) ys[i] = y[idx[i]];
                AttackResult r = Attacks.run(attack, classifier, xs, ys, threat, rng.split(attack.name()));
                for (int i = 0; i < idx.length; i++) {
                    if (!probed[idx[i]]) { zeroGradient[idx[i]] = r.zeroGradient()[i]; probed[idx[i]] = true; }
                    if (r.success()[i]) {
                        robust[idx[i]] = false;
                        xAdv.putSlice(idx[i], r.xAdv().slice(i));
                    }
                }
            }
            after.put(uniqueName(after, attack.name()), fraction(robust));
        }
        return new Result(clean, after, robust, xAdv, zeroGradient);
    }

    private static String uniqueName(Map<String, Double> seen, String name) {
        String n = name;
        for (int k = 2; seen.containsKey(n); k++) n = name + "#" + k;
        return n;
    }

    private static long[] toLong(int[] idx) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) l[i] = idx[i];
        return l;
    }

    private static double fraction(boolean[] flags) {
        int n = 0;
        for (boolean f : flags) if (f) n++;
        return (double) n / flags.length;
    }
}
