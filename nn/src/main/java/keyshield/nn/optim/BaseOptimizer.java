package keyshield.nn.optim;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop every optimizer shares: the named parameters in order, which of them decay, the learning
 * rate, and a {@link #step()} that visits each trainable parameter with a gradient inside its own
 * {@link Scope} (temporaries are freed when the step ends) with recording off.
 */
abstract class BaseOptimizer implements Optimizer {
    private final String kind;
    private final List<String> names = new ArrayList<>();
    private final List<Parameter> params = new ArrayList<>();
    private final boolean[] decays;
    private double lr;

    BaseOptimizer(String kind, Map<String, Parameter> namedParameters, DecayRule rule, double lr) {
        this.kind = kind;
        if (namedParameters.isEmpty()) throw new IllegalArgumentException(kind + ": no parameters to optimize");
        IdentityHashMap<Parameter, String> seen = new IdentityHashMap<>();
        namedParameters.forEach((name, p) -> {
            if (p == null) throw new NullPointerException(kind + ": parameter '" + name + "' is null");
            String other = seen.put(p, name);
            if (other != null)
                throw new IllegalArgumentException(kind + ": parameters '" + other + "' and '" + name
                        + "' are the same tensor; it would be updated twice per step");
            names.add(name);
            params.add(p);
        });
        decays = new boolean[params.size()];
        for (int i = 0; i < decays.length; i++) decays[i] = rule.decays(names.get(i), params.get(i));
        setLearningRate(lr);
    }

    @Override
    public final void step() {
        try (var temporaries = Scope.open(); var noGrad = GradMode.off()) {
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                if (!p.trainable() || p.grad() == null) continue;
                update(i, p.data(), p.grad(), decays[i]);
            }
        }
    }

    /** Updates parameter {@code i} in place; {@code grad} must not be modified. */
    abstract void update(int i, INDArray param, INDArray grad, boolean decay);

    /** A zero array like {@code param}, allocated outside every scope: optimizer state. */
    static INDArray stateLike(INDArray param) {
        return Scope.outside(() -> Nd4j.zeros(param.dataType(), param.shape()));
    }

    int size() { return params.size(); }

    Parameter parameter(int i) { return params.get(i); }

    @Override
    public final void zeroGrad() {
        try (var noGrad = GradMode.off()) {
            params.forEach(Parameter::zeroGrad);
        }
    }

    @Override
    public final double learningRate() { return lr; }

    @Override
    public final void setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr))
            throw new IllegalArgumentException(kind + ": learning rate must be finite and ≥ 0 but is " + lr);
        this.lr = lr;
    }

    /** The names of the parameters this optimizer decays (see {@link DecayRule}), in order. */
    public final List<String> decayedParameters() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < decays.length; i++) if (decays[i]) out.add(names.get(i));
        return Collections.unmodifiableList(out);
    }

    /** The names of every parameter this optimizer was built with, in order. */
    public final List<String> parameterNames() { return Collections.unmodifiableList(names); }
}
