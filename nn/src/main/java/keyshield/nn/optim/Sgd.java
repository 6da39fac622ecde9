package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} equations (dampening 0). Per
 * parameter θ with gradient g, momentum μ, weight decay λ (coupled, L2) and learning rate η:
 * <pre>
 *   g ← g + λ·θ                      (if λ ≠ 0 and the parameter decays)
 *   b ← μ·b + g                      (b = 0 before the first step, so the first b is g)
 *   d ← g + μ·b  (Nesterov)   or   d ← b   (classical momentum)   or   d ← g   (μ = 0)
 *   θ ← θ − η·d
 * </pre>
 * Weight decay applies to every parameter unless another {@link DecayRule} is given.
 */
public final class Sgd extends BaseOptimizer {
    /** SGD hyper-parameters, validated. */
    public record Options(double lr, double momentum, boolean nesterov, double weightDecay) {
        public Options {
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("Sgd: lr must be finite and ≥ 0 but is " + lr);
            if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("Sgd: momentum must be in [0, 1) but is " + momentum);
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
                throw new IllegalArgumentException("Sgd: weight decay must be finite and ≥ 0 but is " + weightDecay);
            if (nesterov && momentum == 0) throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0");
        }

        /** Plain gradient descent θ ← θ − η·g. */
        public static Options plain(double lr) { return new Options(lr, 0, false, 0); }

        /** Classical momentum μ, no weight decay. */
        public static Options momentum(double lr, double momentum) { return new Options(lr, momentum, false, 0); }
    }

    private final Options options;
    private final INDArray[] buffers;

    public Sgd(Map<String, Parameter> namedParameters, Options options) { this(namedParameters, options, DecayRule.ALL); }

    public Sgd(Map<String, Parameter> namedParameters, Options options, DecayRule decayRule) {
        super("Sgd", namedParameters, decayRule, options.lr());
        this.options = options;
        this.buffers = new INDArray[size()];
    }

    public Options options() { return options; }

    @Override
    void update(int i, INDArray param, INDArray grad, boolean decay) {
        INDArray g = decay && options.weightDecay() != 0 ? param.mul(options.weightDecay()).addi(grad) : grad;
        INDArray direction = g;
        if (options.momentum() != 0) {
            if (buffers[i] == null) buffers[i] = stateLike(param);
            INDArray b = buffers[i].muli(options.momentum()).addi(g);
            direction = options.nesterov() ? b.mul(options.momentum()).addi(g) : b;
        }
        param.subi(direction.mul(learningRate()));
    }
}
