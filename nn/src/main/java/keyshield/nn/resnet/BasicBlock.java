package keyshield.nn.resnet;

import keyshield.nn.BatchNorm2d;
import keyshield.nn.Conv2d;
import keyshield.nn.Init;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * ResNet's basic residual block: y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with 3×3
 * convolutions without bias (the BatchNorm after each has one). conv1 carries the block's stride; when
 * the stride or the width changes, the shortcut is {@link Downsample} (1×1 conv with that stride + BN),
 * otherwise the identity. Shapes: x (N, inPlanes, H, W) → (N, planes, H/stride, W/stride).
 * Names as torchvision: {@code conv1}, {@code bn1}, {@code conv2}, {@code bn2}, {@code downsample.0}, {@code downsample.1}.
 */
public class BasicBlock extends Module {
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final Downsample downsample;

    public BasicBlock(int inPlanes, int planes, int stride, Rng rng, DataType dtype) {
        conv1 = child("conv1", conv(inPlanes, planes, 3, stride, 1, rng.split("conv1"), dtype));
        bn1 = child("bn1", new BatchNorm2d(planes, 1e-5, 0.1, dtype));
        conv2 = child("conv2", conv(planes, planes, 3, 1, 1, rng.split("conv2"), dtype));
        bn2 = child("bn2", new BatchNorm2d(planes, 1e-5, 0.1, dtype));
        downsample = stride != 1 || inPlanes != planes
                ? child("downsample", new Downsample(inPlanes, planes, stride, rng.split("downsample"), dtype)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = bn1.forward(conv1.forward(x)).relu();                  // (N, planes, H/s, W/s)
        out = bn2.forward(conv2.forward(out));                              // (N, planes, H/s, W/s)
        Tensor shortcut = downsample == null ? x : downsample.forward(x);   // (N, planes, H/s, W/s)
        return out.add(shortcut).relu();
    }

    /**
     * A bias-free square convolution initialised as torchvision's ResNet: Kaiming-normal, fan-out mode,
     * for ReLU: N(0, 2 / (out · k²)).
     */
    static Conv2d conv(int in, int out, int kernel, int stride, int padding, Rng rng, DataType dtype) {
        Conv2d c = new Conv2d(in, out, kernel, stride, padding, false, rng, dtype);
        c.weight().assign(Init.kaimingNormalFanOut(rng.split("kaiming"), dtype, out, in, kernel, kernel), "weight");
        return c;
    }

    /** The projection shortcut: {@code 0} = 1×1 conv with the block's stride, {@code 1} = BatchNorm. */
    public static final class Downsample extends Module {
        private final Conv2d conv;
        private final BatchNorm2d bn;

        Downsample(int inPlanes, int planes, int stride, Rng rng, DataType dtype) {
            conv = child("0", conv(inPlanes, planes, 1, stride, 0, rng.split("0"), dtype));
            bn = child("1", new BatchNorm2d(planes, 1e-5, 0.1, dtype));
        }

        @Override
        public Tensor forward(Tensor x) { return bn.forward(conv.forward(x)); }
    }
}
