package keyshield.nn.resnet;

import java.util.List;

/**
 * The shape of a ResNet with basic blocks (He et al., "Deep Residual Learning for Image Recognition",
 * CVPR 2016): a stem, four stages of {@code blocks.get(i)} residual blocks of width baseWidth·2ⁱ
 * (the first block of stages 2–4 halves the resolution), global average pooling and a linear head.
 *
 * @param numClasses  outputs of the head {@code fc}
 * @param inChans     input channels (3 for RGB)
 * @param stem        the input stage: ImageNet's 7×7/2 convolution and 3×3/2 max-pool, or CIFAR's 3×3/1 convolution
 * @param baseWidth   channels of the first stage (64 in ResNet-18; smaller only for fast tests)
 * @param blocks      basic blocks per stage, four entries ([2, 2, 2, 2] is ResNet-18)
 */
public record ResNetConfig(int numClasses, int inChans, Stem stem, int baseWidth, List<Integer> blocks) {
    /** The input stage. */
    public enum Stem {
        /** torchvision: conv 7×7, stride 2, padding 3, then max-pool 3×3, stride 2, padding 1 (÷4 resolution). */
        IMAGENET(7, 2, 3, true),
        /** The usual CIFAR adaptation: conv 3×3, stride 1, padding 1, no max-pool (32×32 images keep their resolution). */
        CIFAR(3, 1, 1, false);

        public final int kernel, stride, padding;
        public final boolean maxPool;

        Stem(int kernel, int stride, int padding, boolean maxPool) {
            this.kernel = kernel;
            this.stride = stride;
            this.padding = padding;
            this.maxPool = maxPool;
        }
    }

    public ResNetConfig {
        if (numClasses < 1) throw new IllegalArgumentException("ResNetConfig: numClasses must be positive but is " + numClasses);
        if (inChans < 1) throw new IllegalArgumentException("ResNetConfig: inChans must be positive but is " + inChans);
        if (stem == null) throw new IllegalArgumentException("ResNetConfig: stem is null");
        if (baseWidth < 1) throw new IllegalArgumentException("ResNetConfig: baseWidth must be positive but is " + baseWidth);
        blocks = List.copyOf(blocks);
        if (blocks.size() != 4 || blocks.stream().anyMatch(b -> b < 1))
            throw new IllegalArgumentException("ResNetConfig: blocks must be four positive counts but is " + blocks);
    }

    /** torchvision's {@code resnet18}: 11,689,512 parameters with 1000 classes. */
    public static ResNetConfig resnet18ImageNet(int numClasses) { return new ResNetConfig(numClasses, 3, Stem.IMAGENET, 64, List.of(2, 2, 2, 2)); }

    /** ResNet-18 for 32×32 images (3×3 stem, no max-pool): 11,173,962 parameters with 10 classes. */
    public static ResNetConfig resnet18Cifar(int numClasses) { return new ResNetConfig(numClasses, 3, Stem.CIFAR, 64, List.of(2, 2, 2, 2)); }

    /** Channels of stage {@code i} (0-based): baseWidth·2ⁱ. */
    public int width(int stage) { return baseWidth << stage; }

    /** Channels entering the head: the last stage's width. */
    public int featureDim() { return width(3); }
}
