package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019), with PyTorch's {@code torch.optim.AdamW} equations. Per parameter θ with gradient g at its
 * t-th update (t counts this parameter's own updates, from 1), learning rate η, weight decay λ:
 * <pre>
 *   θ ← θ − η·λ·θ                                   (only if the parameter decays, see {@link DecayRule})
 *   m ← β₁·m + (1 − β₁)·g,     v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * The decay is not added to the gradient (that would be Adam's L2, rescaled by 1/√v), so every decayed
 * weight shrinks by the same factor 1 − ηλ. By default biases, norm weights and embeddings are not
 * decayed ({@link DecayRule#TIMM}); {@link #decayedParameters()} lists the ones that are.
 */
public final class AdamW extends BaseOptimizer {
    /** AdamW hyper-parameters, validated. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Options {
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("AdamW: lr must be finite and ≥ 0 but is " + lr);
            if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW: beta1 must be in [0, 1) but is " + beta1);
            if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: beta2 must be in [0, 1) but is " + beta2);
            if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("AdamW: eps must be finite and > 0 but is " + eps);
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
                throw new IllegalArgumentException("AdamW: weight decay must be finite and ≥ 0 but is " + weightDecay);
        }

        /** PyTorch's defaults β = (0.9, 0.999), ε = 1e-8 with the given learning rate and weight decay. */
        public static Options of(double lr, double weightDecay) { return new Options(lr, 0.9, 0.999, 1e-8, weightDecay); }
    }

    private final Options options;
    private final INDArray[] m, v;
    private final long[] t;

    /** AdamW with timm's decay rule (no decay on biases, norms, position embedding and class token). */
    public AdamW(Map<String, Parameter> namedParameters, Options options) { this(namedParameters, options, DecayRule.TIMM); }

    public AdamW(Map<String, Parameter> namedParameters, Options options, DecayRule decayRule) {
        super("AdamW", namedParameters, decayRule, options.lr());
        this.options = options;
        this.m = new INDArray[size()];
        this.v = new INDArray[size()];
        this.t = new long[size()];
    }

    public Options options() { return options; }

    /** How many updates parameter {@code i} (in {@link #parameterNames()} order) has received. */
    public long stepCount(int i) { return t[i]; }

    @Override
    void update(int i, INDArray param, INDArray grad, boolean decay) {
        double lr = learningRate(), b1 = options.beta1(), b2 = options.beta2();
        if (m[i] == null) {
            m[i] = stateLike(param);
            v[i] = stateLike(param);
        }
        long step = ++t[i];
        if (decay && options.weightDecay() != 0) param.muli(1 - lr * options.weightDecay());
        m[i].muli(b1).addi(grad.mul(1 - b1));
        v[i].muli(b2).addi(grad.mul(grad).muli(1 - b2));
        double biasCorrection1 = 1 - Math.pow(b1, step);
        double biasCorrection2 = 1 - Math.pow(b2, step);
        INDArray denom = Transforms.sqrt(v[i], true).divi(Math.sqrt(biasCorrection2)).addi(options.eps());
        param.subi(m[i].div(denom).muli(lr / biasCorrection1));
    }
}
