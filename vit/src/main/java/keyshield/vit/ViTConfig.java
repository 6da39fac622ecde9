package keyshield.vit;

/**
 * The architecture of a Vision Transformer (Dosovitskiy et al. 2021), as timm's
 * {@code VisionTransformer} arguments. Validated on construction; derived sizes are methods.
 *
 * @param imgSize     input height = width in pixels
 * @param patchSize   patch height = width; must divide imgSize
 * @param inChans     input channels (3 for RGB)
 * @param numClasses  head outputs (0: no head, the model returns features)
 * @param embedDim    token width D; divisible by numHeads
 * @param depth       number of transformer blocks
 * @param numHeads    attention heads
 * @param mlpRatio    MLP hidden width / D
 * @param qkvBias     bias in the fused qkv projection
 * @param dropRate    dropout after the position embedding, after the attention projection and in the MLP
 *                    (timm 0.4's {@code drop_rate}; timm 1.x splits it into pos/proj/head rates)
 * @param dropPathRate stochastic depth of the last block (linearly increasing from 0 over the blocks)
 * @param classToken  prepend a learned class token
 * @param globalPool  what feeds the head: the class token or the mean of the patch tokens
 */
public record ViTConfig(int imgSize, int patchSize, int inChans, int numClasses, int embedDim, int depth, int numHeads,
                        double mlpRatio, boolean qkvBias, double dropRate, double dropPathRate, boolean classToken, GlobalPool globalPool) {

    /** What the classification head reads. */
    public enum GlobalPool { TOKEN, AVG }

    public ViTConfig {
        if (imgSize < 1 || patchSize < 1 || imgSize % patchSize != 0)
            throw new IllegalArgumentException("imgSize " + imgSize + " is not divisible by patchSize " + patchSize);
        if ((long) (imgSize / patchSize) * (imgSize / patchSize) >= Integer.MAX_VALUE)
            throw new IllegalArgumentException("imgSize " + imgSize + " / patchSize " + patchSize + " gives more patches than an int can count");
        if (inChans < 1) throw new IllegalArgumentException("inChans must be positive but is " + inChans);
        if (numClasses < 0) throw new IllegalArgumentException("numClasses must be >= 0 but is " + numClasses);
        if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0)
            throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        if (depth < 1) throw new IllegalArgumentException("depth must be positive but is " + depth);
        if (!(mlpRatio > 0) || Math.abs(embedDim * mlpRatio - Math.rint(embedDim * mlpRatio)) > 1e-9)
            throw new IllegalArgumentException("mlpRatio " + mlpRatio + " must be positive and give an integer hidden width for embedDim " + embedDim);
        if (!(dropRate >= 0 && dropRate < 1) || !(dropPathRate >= 0 && dropPathRate < 1))
            throw new IllegalArgumentException("dropRate " + dropRate + " and dropPathRate " + dropPathRate + " must be in [0, 1)");
        if (globalPool == null) throw new IllegalArgumentException("globalPool must be given");
        if (globalPool == GlobalPool.TOKEN && !classToken)
            throw new IllegalArgumentException("globalPool TOKEN needs a class token");
    }

    private static ViTConfig timm(int img, int patch, int classes, int dim, int depth, int heads) {
        return new ViTConfig(img, patch, 3, classes, dim, depth, heads, 4.0, true, 0, 0, true, GlobalPool.TOKEN);
    }

    /** ViT-Ti/16 (timm vit_tiny_patch16_224): 5.7 M parameters with 1000 classes. */
    public static ViTConfig tiny16(int numClasses) { return timm(224, 16, numClasses, 192, 12, 3); }

    /** ViT-S/16 (vit_small_patch16_224). */
    public static ViTConfig small16(int numClasses) { return timm(224, 16, numClasses, 384, 12, 6); }

    /** ViT-B/16 (vit_base_patch16_224): 86,567,656 parameters with 1000 classes, 102,595,923 with 21,843. */
    public static ViTConfig base16(int numClasses) { return timm(224, 16, numClasses, 768, 12, 12); }

    /** ViT-B/32 (vit_base_patch32_224). */
    public static ViTConfig base32(int numClasses) { return timm(224, 32, numClasses, 768, 12, 12); }

    /** ViT-L/16 (vit_large_patch16_224). */
    public static ViTConfig large16(int numClasses) { return timm(224, 16, numClasses, 1024, 24, 16); }

    /** The small CIFAR ViT of the stand-in pre-trained model: img 32, patch 4, dim 192, depth 6, heads 3. */
    public static ViTConfig cifar(int numClasses) { return timm(32, 4, numClasses, 192, 6, 3); }

    public int headDim() { return embedDim / numHeads; }

    public int gridSize() { return imgSize / patchSize; }

    public int numPatches() { return gridSize() * gridSize(); }

    /** Tokens per image: patches plus the class token. */
    public int numTokens() { return numPatches() + (classToken ? 1 : 0); }

    public int mlpHidden() { return (int) Math.rint(embedDim * mlpRatio); }

    /** The same architecture with another head size. */
    public ViTConfig withNumClasses(int classes) {
        return new ViTConfig(imgSize, patchSize, inChans, classes, embedDim, depth, numHeads, mlpRatio, qkvBias, dropRate, dropPathRate, classToken, globalPool);
    }

    /** The same architecture with dropout and stochastic depth rates for fine-tuning. */
    public ViTConfig withDrop(double drop, double dropPath) {
        return new ViTConfig(imgSize, patchSize, inChans, numClasses, embedDim, depth, numHeads, mlpRatio, qkvBias, drop, dropPath, classToken, globalPool);
    }

    /**
     * Parameter count computed from the shapes alone (no allocation), e.g. 86,567,656 for base16(1000).
     * Exact: an {@link ArithmeticException} when it overflows a long, which only sizes read from a forged
     * file can make it do (so a reader can refuse them before allocating anything).
     */
    public long parameterCount() {
        long d = embedDim, h = mlpHidden(), p = patchSize;
        long patch = Math.addExact(Math.multiplyExact(Math.multiplyExact(d, inChans), p * p), d);
        long tokens = Math.addExact(classToken ? d : 0, Math.multiplyExact(numTokens(), d));
        long dd = Math.multiplyExact(d, d), hd = Math.multiplyExact(h, d);
        long block = Math.addExact(Math.addExact(Math.multiplyExact(4, dd), Math.multiplyExact(2, hd)),
                6 * d + (qkvBias ? 3 * d : 0) + h);                                    // qkv 3·D² + proj D² + fc1, fc2 2·H·D; norms, biases
        long head = numClasses > 0 ? Math.addExact(Math.multiplyExact(numClasses, d), numClasses) : 0;
        return Math.addExact(Math.addExact(Math.addExact(patch, tokens), Math.multiplyExact(depth, block)), 2 * d + head);
    }
}
