package keyshield.nn;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * y = x·Wᵀ + b. Shapes: x (…, in) → (…, out); {@code weight} (out, in), {@code bias} (out), as in
 * PyTorch. Initialised as timm's ViT: W ~ truncated normal(0, 0.02²), b = 0.
 */
public class Linear extends Module {
    public final int inFeatures, outFeatures;
    private final Parameter weight, bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) { this(inFeatures, outFeatures, bias, rng, DataType.FLOAT); }

    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng, DataType dtype) {
        if (inFeatures < 1 || outFeatures < 1) throw new IllegalArgumentException("Linear: features must be positive, got in=" + inFeatures + " out=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = param("weight", Init.truncNormal(rng, dtype, 0.02, outFeatures, inFeatures));
        this.bias = bias ? param("bias", Init.zeros(dtype, outFeatures)) : null;
    }

    @Override
    public Tensor forward(Tensor x) { return x.linear(weight, bias); }

    public Parameter weight() { return weight; }

    /** The bias, or null when the layer has none. */
    public Parameter bias() { return bias; }
}
