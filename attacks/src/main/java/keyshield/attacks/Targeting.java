package keyshield.attacks;

import keyshield.tensor.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether a gradient attack pushes towards a chosen class. Untargeted attacks maximise the loss of the
 * true label; targeted ones minimise the loss of a target label t ≠ y. Success in the harness is always
 * "misclassified" (pred ≠ y); reaching the target is reported separately.
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME, property = "kind")
@com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Targeting.Untargeted.class, name = "untargeted"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Targeting.LeastLikely.class, name = "least-likely"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Targeting.RandomClass.class, name = "random-class")})
public sealed interface Targeting {

    /** Maximise the loss of the true label. */
    record Untargeted() implements Targeting {}

    /** Aim at the class with the lowest clean logit. */
    record LeastLikely() implements Targeting {}

    /** Aim at a uniformly random class other than y, drawn from the attack's generator. */
    record RandomClass() implements Targeting {}

    Targeting UNTARGETED = new Untargeted();
    Targeting LEAST_LIKELY = new LeastLikely();
    Targeting RANDOM_CLASS = new RandomClass();

    /** The target of each sample, or null when untargeted. */
    default int[] targets(INDArray cleanLogits, int[] y, Rng rng) {
        if (this instanceof Untargeted) return null;
        int k = (int) cleanLogits.size(1);
        if (k < 2) throw new IllegalArgumentException("targeted attack: needs at least 2 classes but the classifier has " + k);
        int[] t = new int[y.length];
        if (this instanceof LeastLikely) {
            double[][] z = cleanLogits.toDoubleMatrix();
            for (int b = 0; b < y.length; b++) {
                int best = -1;
                for (int c = 0; c < k; c++) if (c != y[b] && (best < 0 || z[b][c] < z[b][best])) best = c;
                t[b] = best;
            }
        } else {
            for (int b = 0; b < y.length; b++) {
                int c = rng.nextInt(k - 1);
                t[b] = c >= y[b] ? c + 1 : c;
            }
        }
        return t;
    }
}
