package keyshield.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Random float64 test arrays from a seed; shared with other modules' tests through the test-jar. */
public final class Arrays64 {
    private Arrays64() {}

    /** Uniform values in [−1, 1). */
    public static INDArray random(long seed, long... shape) {
        return Rng.seeded(seed).uniform(DataType.DOUBLE, -1, 1, shape);
    }

    /** Uniform values in [lo, hi). */
    public static INDArray random(long seed, double lo, double hi, long... shape) {
        return Rng.seeded(seed).uniform(DataType.DOUBLE, lo, hi, shape);
    }

    /** Values whose magnitudes lie in [0.1, 1) with random signs: away from the kinks of relu, abs and max. */
    public static INDArray awayFromZero(long seed, long... shape) {
        INDArray mag = Rng.seeded(seed).uniform(DataType.DOUBLE, 0.1, 1, shape);
        INDArray sign = Rng.seeded(seed + 1).uniform(DataType.DOUBLE, -1, 1, shape);
        return mag.muli(org.nd4j.linalg.ops.transforms.Transforms.sign(sign, false));
    }

    /**
     * ⟨a, b⟩ = Σ a ⊙ b, summed exactly and rounded once, so the result does not depend on the order of
     * the elements: adjoint tests of permutations (⟨t(x), y⟩ = ⟨x, tᵀ(y)⟩) sum the same products in
     * another order, and a float64 sum in ND4J's order differed from its permuted twin by 1.2e-12 at 600.
     */
    public static double dot(INDArray a, INDArray b) {
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (double p : a.mul(b).ravel().toDoubleVector()) sum = sum.add(new java.math.BigDecimal(p));
        return sum.doubleValue();
    }
}
