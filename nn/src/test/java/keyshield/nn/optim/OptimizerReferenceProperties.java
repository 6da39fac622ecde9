package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sgd and AdamW against an independent scalar transcription of PyTorch's published update equations
 * (torch.optim.SGD and torch.optim.AdamW documentation), on plain double arrays, in float64. Every step
 * runs inside its own {@link Scope}, so optimizer state that wrongly lived in a step's scope would fail
 * the next step.
 */
class OptimizerReferenceProperties {
    private static final int STEPS = 6;
    private static final long[] W_SHAPE = {3, 4}, B_SHAPE = {4};

    enum SgdVariant {
        PLAIN(0, false, 0), MOMENTUM(0.9, false, 0), NESTEROV(0.9, true, 0),
        WEIGHT_DECAY(0, false, 0.1), MOMENTUM_WEIGHT_DECAY(0.8, false, 0.05), NESTEROV_WEIGHT_DECAY(0.7, true, 0.2);

        final double momentum, weightDecay;
        final boolean nesterov;

        SgdVariant(double momentum, boolean nesterov, double weightDecay) {
            this.momentum = momentum;
            this.nesterov = nesterov;
            this.weightDecay = weightDecay;
        }
    }

    @Property(tries = 12)
    void sgdFollowsPyTorchEquations(@ForAll SgdVariant variant, @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = Rng.seeded(seed);
        Parameter w = new Parameter(rng.split("w").uniform(DataType.DOUBLE, -1, 1, W_SHAPE));
        Parameter b = new Parameter(rng.split("b").uniform(DataType.DOUBLE, -1, 1, B_SHAPE));
        double[][] ref = {w.data().data().asDouble(), b.data().data().asDouble()};
        double[][] buf = {new double[ref[0].length], new double[ref[1].length]};
        var named = new LinkedHashMap<String, Parameter>();
        named.put("w", w);
        named.put("b", b);
        double lr = 0.1;
        var sgd = new Sgd(named, new Sgd.Options(lr, variant.momentum, variant.nesterov, variant.weightDecay));

        for (int s = 0; s < STEPS; s++) {
            INDArray[] grads = {rng.split("gw", s).uniform(DataType.DOUBLE, -1, 1, W_SHAPE), rng.split("gb", s).uniform(DataType.DOUBLE, -1, 1, B_SHAPE)};
            double stepLr = lr * (1 + 0.25 * s);
            try (var scope = Scope.open()) {
                setGrad(w, grads[0]);
                setGrad(b, grads[1]);
                sgd.setLearningRate(stepLr);
                sgd.step();
            }
            for (int k = 0; k < 2; k++) {
                double[] g = grads[k].data().asDouble();
                for (int i = 0; i < g.length; i++) {
                    double gi = g[i] + variant.weightDecay * ref[k][i];
                    double d = gi;
                    if (variant.momentum != 0) {
                        buf[k][i] = s == 0 ? gi : variant.momentum * buf[k][i] + gi;
                        d = variant.nesterov ? gi + variant.momentum * buf[k][i] : buf[k][i];
                    }
                    ref[k][i] -= stepLr * d;
                }
            }
        }
        assertClose(w.data(), ref[0]);
        assertClose(b.data(), ref[1]);
    }

    @Property(tries = 8)
    void adamWFollowsPyTorchEquationsWithoutDecayOnOneDimensionalParams(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Rng rng = Rng.seeded(seed);
        Parameter w = new Parameter(rng.split("w").uniform(DataType.DOUBLE, -1, 1, W_SHAPE));
        Parameter b = new Parameter(rng.split("b").uniform(DataType.DOUBLE, -1, 1, B_SHAPE));
        double[][] ref = {w.data().data().asDouble(), b.data().data().asDouble()};
        boolean[] decays = {true, false};
        double[][] m = {new double[ref[0].length], new double[ref[1].length]};
        double[][] v = {new double[ref[0].length], new double[ref[1].length]};
        var named = new LinkedHashMap<String, Parameter>();
        named.put("layer.weight", w);
        named.put("layer.bias", b);
        double lr = 0.01, wd = 0.3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var adamw = new AdamW(named, AdamW.Options.of(lr, wd));
        assertThat(adamw.decayedParameters()).containsExactly("layer.weight");

        for (int s = 0; s < STEPS; s++) {
            // small gradients on some steps so that ε matters in the denominator
            double scale = s % 3 == 2 ? 1e-7 : 1;
            INDArray[] grads = {rng.split("gw", s).uniform(DataType.DOUBLE, -scale, scale, W_SHAPE),
                                rng.split("gb", s).uniform(DataType.DOUBLE, -scale, scale, B_SHAPE)};
            double stepLr = lr * (1 + 0.5 * s);
            try (var scope = Scope.open()) {
                setGrad(w, grads[0]);
                setGrad(b, grads[1]);
                adamw.setLearningRate(stepLr);
                adamw.step();
            }
            int t = s + 1;
            for (int k = 0; k < 2; k++) {
                double[] g = grads[k].data().asDouble();
                for (int i = 0; i < g.length; i++) {
                    if (decays[k]) ref[k][i] -= stepLr * wd * ref[k][i];
                    m[k][i] = b1 * m[k][i] + (1 - b1) * g[i];
                    v[k][i] = b2 * v[k][i] + (1 - b2) * g[i] * g[i];
                    double mHat = m[k][i] / (1 - Math.pow(b1, t));
                    double vHat = v[k][i] / (1 - Math.pow(b2, t));
                    ref[k][i] -= stepLr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
        }
        assertClose(w.data(), ref[0]);
        assertClose(b.data(), ref[1]);
    }

    /** Makes {@code p}'s gradient exactly {@code g}: zero it, then backpropagate ⟨p, g⟩. */
    static void setGrad(Parameter p, INDArray g) {
        p.zeroGrad();
        p.mul(Tensor.constant(g)).sum().backward();
    }

    private static void assertClose(INDArray actual, double[] expected) {
        double[] a = actual.data().asDouble();
        assertThat(a).hasSize(expected.length);
        for (int i = 0; i < a.length; i++)
            assertThat(Math.abs(a[i] - expected[i])).as("element %d: %s vs reference %s", i, a[i], expected[i]).isLessThanOrEqualTo(1e-12);
        assertThat(Nd4j.createFromArray(expected).reshape(actual.shape()).equalsWithEps(actual, 1e-12)).isTrue();
    }
}
