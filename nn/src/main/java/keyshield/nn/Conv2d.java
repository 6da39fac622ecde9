package keyshield.nn;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * 2-D convolution with square kernels: x (N, C, H, W) → (N, O, H', W') with
 * H' = ⌊(H + 2·padding − k)/stride⌋ + 1. {@code weight} (O, C, k, k), {@code bias} (O). The ViT patch
 * embedding is the case k = stride = patch size, padding 0. Initialised as PyTorch's default
 * (Kaiming-uniform with a = √5: U(−1/√fanIn, 1/√fanIn) for weight and bias).
 */
public class Conv2d extends Module {
    public final int inChannels, outChannels, kernelSize, stride, padding;
    private final Parameter weight, bias;

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias, Rng rng) {
        this(inChannels, outChannels, kernelSize, stride, padding, bias, rng, DataType.FLOAT);
    }

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, boolean bias, Rng rng, DataType dtype) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1 || stride < 1 || padding < 0)
            throw new IllegalArgumentException("Conv2d: bad geometry in=" + inChannels + " out=" + outChannels + " k=" + kernelSize
                    + " stride=" + stride + " padding=" + padding);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        double bound = 1.0 / Math.sqrt((double) inChannels * kernelSize * kernelSize);
        this.weight = param("weight", rng.split("weight").uniform(dtype, -bound, bound, outChannels, inChannels, kernelSize, kernelSize));
        this.bias = bias ? param("bias", rng.split("bias").uniform(dtype, -bound, bound, outChannels)) : null;
    }

    @Override
    public Tensor forward(Tensor x) { return x.conv2d(weight, bias, stride, padding); }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }
}
