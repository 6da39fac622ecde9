package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * The optimizer's state for a checkpoint: per parameter that has been updated, its first and second
     * moments (PyTorch's {@code exp_avg}, {@code exp_avg_sq}) and its update count t. Arrays are copies.
     *
     * @param expAvg   parameter name → m (same shape as the parameter)
     * @param expAvgSq parameter name → v
     * @param steps    parameter name → t
     */
    public record State(Map<String, INDArray> expAvg, Map<String, INDArray> expAvgSq, Map<String, Long> steps) {
        public State {
            expAvg = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expAvg));
            expAvgSq = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expAvgSq));
            steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
            if (!expAvg.keySet().equals(steps.keySet()) || !expAvgSq.keySet().equals(steps.keySet()))
                throw new IllegalArgumentException("AdamW state: exp_avg, exp_avg_sq and steps name different parameters: "
                        + expAvg.keySet() + ", " + expAvgSq.keySet() + ", " + steps.keySet());
        }
    }

    /** A copy of the state, to resume training exactly where it stopped (see {@link #loadState}). */
    public State state() {
        Map<String, INDArray> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
        Map<String, Long> steps = new LinkedHashMap<>();
        List<String> names = parameterNames();
        for (int i = 0; i < size(); i++) {
            if (this.m[i] == null) continue;
            int k = i;
            m.put(names.get(i), Scope.outside(() -> this.m[k].dup()));
            v.put(names.get(i), Scope.outside(() -> this.v[k].dup()));
            steps.put(names.get(i), t[i]);
        }
        return new State(m, v, steps);
    }

    /**
     * Replaces the state with {@code state} (from {@link #state()} of an optimizer over the same
     * parameters). Every name must be one of this optimizer's parameters and every moment must have its
     * parameter's shape and type; parameters absent from {@code state} start fresh. Nothing changes if
     * any check fails.
     */
    public void loadState(State state) {
        List<String> names = parameterNames();
        for (String name : state.steps().keySet()) {
            int i = names.indexOf(name);
            if (i < 0) throw new IllegalArgumentException("AdamW state names parameter '" + name + "', which this optimizer does not have; it has " + names);
            INDArray p = parameter(i).data();
            for (INDArray a : new INDArray[] {state.expAvg().get(name), state.expAvgSq().get(name)})
                if (!java.util.Arrays.equals(a.shape(), p.shape()) || a.dataType() != p.dataType())
                    throw new IllegalArgumentException("AdamW state for '" + name + "' is " + a.dataType() + " "
                            + java.util.Arrays.toString(a.shape()) + " but the parameter is " + p.dataType() + " " + java.util.Arrays.toString(p.shape()));
            if (state.steps().get(name) < 1) throw new IllegalArgumentException("AdamW state for '" + name + "' has step count " + state.steps().get(name) + " < 1");
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!state.steps().containsKey(name)) {
                m[i] = v[i] = null;
                t[i] = 0;
            } else {
                m[i] = Scope.outside(() -> state.expAvg().get(name).dup());
                v[i] = Scope.outside(() -> state.expAvgSq().get(name).dup());
                t[i] = state.steps().get(name);
            }
        }
    }

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
