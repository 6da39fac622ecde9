package keyshield.nn;

import keyshield.tensor.Function;
import keyshield.tensor.GradCheck;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Gradient checks of the fused layer ops and the invariants of layers and losses. */
class LayerPropertiesTest {

    /**
     * Gradient check of the fused LayerNorm at ViT's ε = 1e-6 and at a large ε = 0.5 (the backward formula
     * holds for any ε, and a large one makes a wrong ε term in it visible). Rows of length 2 only with the
     * large ε: at ε ≪ σ² a 2-vector normalises to exactly (−1, 1)·sign, so ∂y/∂x = O(ε/σ³) ≈ 0 and a
     * relative error compares finite-difference noise with nothing.
     */
    @Property(tries = 20)
    void layerNormGradients(@ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 2, max = 6) int d,
                            @ForAll boolean largeEps, @ForAll long seed) {
        Assume.that(d > 2 || largeEps);
        double eps = largeEps ? 0.5 : 1e-6;
        INDArray x = spread(random(seed, b, 2, d), 3), gamma = random(seed + 1, 0.5, 1.5, d), beta = random(seed + 2, d);
        GradCheck.Result r = GradCheck.check(t -> Function.apply(new LayerNorm.Fn(eps), t[0], t[1], t[2]), x, gamma, beta);
        assertThat(r.max()).isLessThanOrEqualTo(1e-6);
    }

    /**
     * x plus a ramp from −scale to +scale along the last axis, so every row's standard deviation is at least
     * about 0.58·scale − 1. Uniform rows of length 2 are otherwise often nearly constant: there LayerNorm
     * is (x − μ)/√(σ² + ε) with σ² ≈ ε, a near-step function that finite differences cannot follow and
     * where a 1e-12 ε is no longer negligible against σ², so such rows test the check, not the layer.
     */
    private static INDArray spread(INDArray x, double scale) {
        long d = x.size(-1);
        INDArray ramp = Nd4j.linspace(-scale, scale, d, DataType.DOUBLE);              // (D)
        return x.reshape(x.length() / d, d)                                                // (rows, D)
                .addRowVector(ramp).reshape(x.shape());                                 // (…, D)
    }

    @Property(tries = 20)
    void geluGradientsAndValues(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        INDArray x = random(seed, n, 5).muli(3);
        assertThat(GradCheck.check(t -> Function.apply(new Gelu.Fn(), t[0]), x).max()).isLessThanOrEqualTo(1e-6);
        // GELU(x) = x·Φ(x) with Φ from the Abramowitz–Stegun-free identity Φ(x) = ½ erfc(−x/√2), computed independently in Java
        INDArray y = Function.apply(new Gelu.Fn(), Tensor.constant(x)).value();
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            assertThat(y.getDouble(i)).isCloseTo(v * 0.5 * (1 + erf(v / Math.sqrt(2))), within(1e-12));
        }
    }

    /** erf by its Taylor series (converges for the |x| ≤ 3/√2 used here). */
    private static double erf(double x) {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Property(tries = 20)
    void layerNormRowsHaveMeanZeroVarianceOne(@ForAll @IntRange(min = 2, max = 16) int d, @ForAll long seed) {
        LayerNorm ln = new LayerNorm(d, 1e-12, DataType.DOUBLE);
        INDArray y = ln.forward(Tensor.constant(spread(random(seed, 3, d), 3).muli(5).addi(2))).value();
        assertThat(y.mean(1).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(y.mul(y).mean(1).sub(1).amaxNumber().doubleValue()).isLessThan(1e-9);
    }

    @Property(tries = 20)
    void crossEntropyIsMinusLogSoftmaxAtTheLabel(@ForAll @IntRange(min = 1, max = 5) int b, @ForAll @IntRange(min = 2, max = 7) int c,
                                                 @ForAll @DoubleRange(min = 0, max = 0.5) double smoothing, @ForAll long seed) {
        INDArray logits = random(seed, b, c).muli(3);
        int[] y = new int[b];
        Rng rng = Rng.seeded(seed);
        for (int i = 0; i < b; i++) y[i] = rng.nextInt(c);
        double expected = 0;
        for (int i = 0; i < b; i++) {
            double max = logits.getRow(i).maxNumber().doubleValue(), z = 0;
            for (int j = 0; j < c; j++) z += Math.exp(logits.getDouble(i, j) - max);
            double lse = max + Math.log(z), uniform = 0;
            for (int j = 0; j < c; j++) uniform += lse - logits.getDouble(i, j);
            expected += (1 - smoothing) * (lse - logits.getDouble(i, y[i])) + smoothing * uniform / c;
        }
        Tensor mean = Losses.crossEntropy(Tensor.constant(logits), y, Losses.Reduction.MEAN, smoothing);
        Tensor sum = Losses.crossEntropy(Tensor.constant(logits), y, Losses.Reduction.SUM, smoothing);
        assertThat(mean.item()).isCloseTo(expected / b, within(1e-12));
        assertThat(sum.item()).isCloseTo(expected, within(1e-11));
        assertThat(GradCheck.check(t -> Losses.crossEntropy(t[0], y, Losses.Reduction.MEAN, smoothing), logits).max()).isLessThanOrEqualTo(1e-6);
    }

    @Property(tries = 10)
    void dropoutOnlyActsInTrainingAndKeepsTheMean(@ForAll long seed) {
        Dropout d = new Dropout(0.25, Rng.seeded(seed));
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 200, 50));
        d.eval();
        assertThat(d.forward(x).value()).isEqualTo(x.value());
        d.train();
        INDArray y = d.forward(x).value();
        double zeros = y.eq(0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertThat(zeros).isCloseTo(0.25, within(0.02));
        assertThat(y.meanNumber().doubleValue()).isCloseTo(1.0, within(0.03));
        assertThat(d.forward(x).value()).as("a new mask each call").isNotEqualTo(y);
    }

    @Property(tries = 10)
    void dropPathDropsWholeSamples(@ForAll long seed) {
        DropPath d = new DropPath(0.5, Rng.seeded(seed));
        d.train();
        INDArray y = d.forward(Tensor.constant(Nd4j.ones(DataType.DOUBLE, 64, 3, 4))).value();
        for (int i = 0; i < 64; i++) {
            INDArray s = y.slice(i);
            assertThat(s.minNumber().doubleValue()).as("sample %d is all kept or all dropped", i).isEqualTo(s.maxNumber().doubleValue());
        }
    }
}
