package keyshield.nn;

import keyshield.tensor.GradCheck;
import keyshield.tensor.Rng;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The plain layers against direct loops in float64 (Linear, Conv2d with general stride and padding,
 * LayerNorm with a large ε, Normalize), their parameter names and shapes, and timm's initialisation.
 */
class LayerBasicsTest {

    @Property(tries = 10)
    void linearIsXTimesWTransposedPlusB(@ForAll @IntRange(min = 1, max = 4) int in, @ForAll @IntRange(min = 1, max = 4) int out, @ForAll long seed) {
        Linear lin = new Linear(in, out, true, Rng.seeded(seed), DataType.DOUBLE);
        assertThat(lin.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(lin.weight().shape()).containsExactly(out, in);
        lin.bias().data().assign(random(seed + 1, out));
        INDArray x = random(seed + 2, 2, 3, in), w = lin.weight().data(), b = lin.bias().data();
        INDArray y = lin.forward(Tensor.constant(x)).value();
        assertThat(y.shape()).containsExactly(2, 3, out);
        for (int i = 0; i < 2; i++)
            for (int t = 0; t < 3; t++)
                for (int o = 0; o < out; o++) {
                    double s = b.getDouble(o);
                    for (int k = 0; k < in; k++) s += x.getDouble(i, t, k) * w.getDouble(o, k);
                    assertThat(y.getDouble(i, t, o)).isCloseTo(s, within(1e-12));
                }
        assertThat(new Linear(in, out, false, Rng.seeded(seed)).namedParameters().keySet()).containsExactly("weight");
    }

    /** Conv2d with stride and zero padding equals the textbook sum, and its gradients check out. */
    @Property(tries = 8)
    void conv2dMatchesTheDirectSum(@ForAll @IntRange(min = 1, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
                                   @ForAll @IntRange(min = 0, max = 1) int padding, @ForAll long seed) {
        int n = 2, c = 2, o = 3, h = 5, w = 4;
        Conv2d conv = new Conv2d(c, o, k, stride, padding, true, Rng.seeded(seed), DataType.DOUBLE);
        assertThat(conv.weight().shape()).containsExactly(o, c, k, k);
        INDArray x = random(seed + 1, n, c, h, w), wt = conv.weight().data(), b = conv.bias().data();
        INDArray y = conv.forward(Tensor.constant(x)).value();
        int ho = (h + 2 * padding - k) / stride + 1, wo = (w + 2 * padding - k) / stride + 1;
        assertThat(y.shape()).containsExactly(n, o, ho, wo);
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int r = 0; r < ho; r++)
                    for (int q = 0; q < wo; q++) {
                        double s = b.getDouble(oc);
                        for (int ic = 0; ic < c; ic++)
                            for (int dr = 0; dr < k; dr++)
                                for (int dq = 0; dq < k; dq++) {
                                    int rr = r * stride - padding + dr, qq = q * stride - padding + dq;
                                    if (rr >= 0 && rr < h && qq >= 0 && qq < w) s += x.getDouble(i, ic, rr, qq) * wt.getDouble(oc, ic, dr, dq);
                                }
                        assertThat(y.getDouble(i, oc, r, q)).isCloseTo(s, within(1e-12));
                    }
        assertThat(GradCheck.check(t -> t[0].conv2d(t[1], t[2], stride, padding), x, wt.dup(), b.dup()).max()).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void conv2dDefaultInitIsPyTorchsUniformBound() {
        Conv2d conv = new Conv2d(3, 64, 4, 4, 0, true, Rng.seeded(9), DataType.DOUBLE);
        double bound = 1 / Math.sqrt(3 * 4 * 4);
        assertThat(conv.weight().data().amaxNumber().doubleValue()).isLessThanOrEqualTo(bound).isGreaterThan(0.95 * bound);
        assertThat(conv.bias().data().amaxNumber().doubleValue()).isLessThanOrEqualTo(bound);
    }

    @Test
    void linearInitIsTimmsTruncatedNormalWithZeroBias() {
        Linear lin = new Linear(256, 256, true, Rng.seeded(4), DataType.DOUBLE);
        INDArray w = lin.weight().data();
        assertThat(w.meanNumber().doubleValue()).isCloseTo(0, within(5e-4));
        assertThat(w.stdNumber().doubleValue()).isCloseTo(0.02, within(0.0005));
        assertThat(lin.bias().data().amaxNumber().doubleValue()).isZero();
        assertThat(new Linear(8, 8, true, Rng.seeded(4)).weight().data()).as("same seed, same weights")
                .isEqualTo(new Linear(8, 8, true, Rng.seeded(4)).weight().data());
    }

    @Test
    void truncNormalCutsAtTheAbsoluteBoundsPlusMinusTwo() {
        INDArray wide = Init.truncNormal(Rng.seeded(5), DataType.DOUBLE, 3.0, 20_000);  // std 3: many draws would fall outside [−2, 2]
        assertThat(wide.minNumber().doubleValue()).isGreaterThanOrEqualTo(-2).isLessThan(-1.99);
        assertThat(wide.maxNumber().doubleValue()).isLessThanOrEqualTo(2).isGreaterThan(1.99);
        assertThat(Init.ones(DataType.FLOAT, 3).sumNumber().doubleValue()).isEqualTo(3);
        assertThat(Init.zeros(DataType.FLOAT, 3).amaxNumber().doubleValue()).isZero();
    }

    /** ε enters as √(σ² + ε): a large ε makes the difference from plain standardisation visible. */
    @Property(tries = 10)
    void layerNormUsesItsEpsilonAndAffineParameters(@ForAll @IntRange(min = 2, max = 9) int d, @ForAll long seed) {
        LayerNorm ln = new LayerNorm(d, 0.5, DataType.DOUBLE);
        assertThat(ln.namedParameters().keySet()).containsExactly("weight", "bias");
        ln.weight().data().assign(random(seed, 0.5, 1.5, d));
        ln.bias().data().assign(random(seed + 1, d));
        INDArray x = random(seed + 2, 3, d);
        INDArray y = ln.forward(Tensor.constant(x)).value();
        for (int r = 0; r < 3; r++) {
            double mu = 0, var = 0;
            for (int j = 0; j < d; j++) mu += x.getDouble(r, j) / d;
            for (int j = 0; j < d; j++) var += Math.pow(x.getDouble(r, j) - mu, 2) / d;
            for (int j = 0; j < d; j++) {
                double expected = (x.getDouble(r, j) - mu) / Math.sqrt(var + 0.5) * ln.weight().data().getDouble(j) + ln.bias().data().getDouble(j);
                assertThat(y.getDouble(r, j)).isCloseTo(expected, within(1e-12));
            }
        }
        assertThatThrownBy(() -> ln.forward(Tensor.constant(random(seed, 2, d + 1)))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("(" + d + ")").hasMessageContaining("(" + (d + 1) + ")");
    }

    @Test
    void normalizeSubtractsTheMeanAndDividesByTheStdPerChannel() {
        Normalize norm = new Normalize(new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.25, 2.0});
        INDArray x = random(3, 0.0, 1.0, 2, 3, 2, 2);
        INDArray y = norm.forward(Tensor.constant(x)).value();
        double[] mean = {0.1, 0.2, 0.3}, std = {0.5, 0.25, 2.0};
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < 2; i++)
                assertThat(y.getDouble(i, c, 1, 0)).isCloseTo((x.getDouble(i, c, 1, 0) - mean[c]) / std[c], within(1e-12));
        assertThat(norm.parameterCount()).isZero();
        assertThat(GradCheck.check(t -> norm.forward(t[0]), x).max()).isLessThanOrEqualTo(1e-6);
        assertThatThrownBy(() -> norm.forward(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 2, 1, 2, 2))))
                .hasMessageContaining("(N, 3, H, W)").hasMessageContaining("(2, 1, 2, 2)");
        assertThatThrownBy(() -> new Normalize(new double[] {0}, new double[] {0})).hasMessageContaining("std must be positive");
    }

    @Test
    void identityAndEvalModeDropLayersPassTheSameTensorThrough() {
        Tensor x = Tensor.constant(random(1, 2, 3));
        assertThat(new Identity().forward(x)).isSameAs(x);
        Dropout d = new Dropout(0.5, Rng.seeded(1));
        DropPath p = new DropPath(0.5, Rng.seeded(1));
        d.eval();
        p.eval();
        assertThat(d.forward(x)).isSameAs(x);
        assertThat(p.forward(x)).isSameAs(x);
        assertThatThrownBy(() -> new Dropout(1.0, Rng.seeded(1))).hasMessageContaining("p must be in [0, 1)");
    }
}
