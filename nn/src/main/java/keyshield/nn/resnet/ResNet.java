package keyshield.nn.resnet;

import keyshield.nn.BatchNorm2d;
import keyshield.nn.Conv2d;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet of {@link BasicBlock}s (ResNet-18 with {@link ResNetConfig#resnet18Cifar} or
 * {@link ResNetConfig#resnet18ImageNet}), with torchvision's parameter and buffer names
 * ({@code conv1.weight}, {@code bn1.running_mean}, {@code layer2.0.downsample.0.weight}, {@code fc.bias}),
 * so a torchvision state dict loads by name.
 *
 * <p>x (N, C, H, W) → stem (conv1, bn1, relu[, max-pool]) → layer1 … layer4 (the first block of layers
 * 2–4 has stride 2) → global average pool over H, W → fc → logits (N, numClasses). Initialised as
 * torchvision: convolutions Kaiming-normal (fan-out, ReLU), BatchNorm γ = 1, β = 0, and the head as
 * PyTorch's default Linear, U(−1/√d, 1/√d) for weight and bias with d = {@link ResNetConfig#featureDim()}.
 * Train/eval mode only changes the BatchNorm statistics.
 */
public class ResNet extends Module {
    private final ResNetConfig config;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<Stage> layers = new ArrayList<>();
    private final Linear fc;

    public ResNet(ResNetConfig config, Rng rng) { this(config, rng, DataType.FLOAT); }

    public ResNet(ResNetConfig config, Rng rng, DataType dtype) {
        this.config = config;
        ResNetConfig.Stem stem = config.stem();
        conv1 = child("conv1", BasicBlock.conv(config.inChans(), config.width(0), stem.kernel, stem.stride, stem.padding, rng.split("conv1"), dtype));
        bn1 = child("bn1", new BatchNorm2d(config.width(0), 1e-5, 0.1, dtype));
        int inPlanes = config.width(0);
        for (int i = 0; i < 4; i++) {
            String name = "layer" + (i + 1);
            layers.add(child(name, new Stage(inPlanes, config.width(i), i == 0 ? 1 : 2, config.blocks().get(i), rng.split(name), dtype)));
            inPlanes = config.width(i);
        }
        int d = config.featureDim();
        fc = child("fc", new Linear(d, config.numClasses(), true, rng.split("fc"), dtype));
        double bound = 1 / Math.sqrt(d);
        fc.weight().assign(rng.split("fc.weight").uniform(dtype, -bound, bound, config.numClasses(), d), "fc.weight");
        fc.bias().assign(rng.split("fc.bias").uniform(dtype, -bound, bound, config.numClasses()), "fc.bias");
    }

    public ResNetConfig config() { return config; }

    @Override
    public Tensor forward(Tensor x) {
        ShapeException.requireRank("ResNet", "images (N, C, H, W)", 4, x.shape());
        if (x.size(1) != config.inChans())
            throw new ShapeException("ResNet: expected " + config.inChans() + " input channels but images have shape " + ShapeException.show(x.shape()));
        return fc.forward(features(x));                                        // (N, numClasses)
    }

    /** The pooled features that enter the head: (N, featureDim). */
    public Tensor features(Tensor x) {
        Tensor h = bn1.forward(conv1.forward(x)).relu();                       // (N, w₀, H/s, W/s)
        if (config.stem().maxPool) h = h.maxPool2d(3, 2, 1);                   // (N, w₀, H/4, W/4) for the ImageNet stem
        for (Stage layer : layers) h = layer.forward(h);                        // (N, w₃, H', W')
        return h.mean(false, 2, 3);                                             // global average pool, (N, w₃)
    }

    public Linear fc() { return fc; }

    /** One stage {@code layerK}: blocks named {@code 0}, {@code 1}, …; the first carries the stride. */
    static final class Stage extends Module {
        private final List<BasicBlock> blocks = new ArrayList<>();

        Stage(int inPlanes, int planes, int stride, int count, Rng rng, DataType dtype) {
            for (int b = 0; b < count; b++)
                blocks.add(child(String.valueOf(b), new BasicBlock(b == 0 ? inPlanes : planes, planes, b == 0 ? stride : 1, rng.split(String.valueOf(b)), dtype)));
        }

        @Override
        public Tensor forward(Tensor x) {
            for (BasicBlock block : blocks) x = block.forward(x);
            return x;
        }
    }
}
