package keyshield.defense;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Key folding: when the block size M equals the ViT patch size p, the block shuffle can be moved into
 * the patch embedding. The embedding is a convolution with kernel = stride = p, i.e. for each patch
 * (one block) y_o = Σ_i W_o[i]·v[i] over the block vector v. If the input is shuffled, v[i] = x[p[i]],
 * so y_o = Σ_k W_o[p⁻¹[k]]·x[k]: the same layer with its weight columns permuted,
 * <pre>  conv(shuffle(x), W) = conv(x, W'),   W'[:, p[i]] = W[:, i]  (W' = fold(W)).  </pre>
 * So a model fine-tuned on shuffled images becomes a model of plain images (no transform at run time),
 * and {@link #unfold} takes it back.
 *
 * <p>The flatten order matters: timm's kernel (O, C, p, p) is laid out channel-first, while the
 * key's block vector is row, column, channel ({@link PixelOrder#HWC}). We never flatten the kernel
 * ourselves: we treat it as a batch of O one-block images (C, p, p) and permute it with the very code
 * that shuffles images ({@code Blocks}), in the same pixel order, so the two cannot disagree.
 * Biases are unchanged.
 */
public final class KeyFolding {
    /** The state-dict key of the patch-embedding kernel in timm's ViT. */
    public static final String PATCH_WEIGHT = "patch_embed.proj.weight";

    private KeyFolding() {}

    /** W' with conv(shuffle(x, key), W) = conv(x, W') for kernel = stride = p = M; W is (O, C, p, p). */
    public static INDArray fold(INDArray weight, SecretKey key, PixelOrder order) {
        check("fold", weight, key);
        return Blocks.permuteWithin(weight, key.blockSize(), order, Blocks.inverse(key.permutation()));
    }

    /** The reverse of {@link #fold}: unfold(fold(W)) = W. */
    public static INDArray unfold(INDArray weight, SecretKey key, PixelOrder order) {
        check("unfold", weight, key);
        return Blocks.permuteWithin(weight, key.blockSize(), order, key.permutation());
    }

    /** A copy of a timm-style state dict with {@value #PATCH_WEIGHT} folded; other entries are shared. */
    public static Map<String, INDArray> fold(Map<String, INDArray> stateDict, SecretKey key, PixelOrder order) {
        return replace(stateDict, fold(patchWeight(stateDict), key, order));
    }

    /** A copy of a state dict with {@value #PATCH_WEIGHT} unfolded. */
    public static Map<String, INDArray> unfold(Map<String, INDArray> stateDict, SecretKey key, PixelOrder order) {
        return replace(stateDict, unfold(patchWeight(stateDict), key, order));
    }

    private static INDArray patchWeight(Map<String, INDArray> stateDict) {
        INDArray w = stateDict.get(PATCH_WEIGHT);
        if (w == null) throw new IllegalArgumentException("key folding: the state dict has no '" + PATCH_WEIGHT + "' (it has "
                + stateDict.size() + " entries" + (stateDict.isEmpty() ? "" : ", e.g. '" + stateDict.keySet().iterator().next() + "'") + ")");
        return w;
    }

    private static Map<String, INDArray> replace(Map<String, INDArray> stateDict, INDArray weight) {
        Map<String, INDArray> out = new LinkedHashMap<>(stateDict);
        out.put(PATCH_WEIGHT, weight);
        return out;
    }

    /** The kernel must be (O, C, M, M) for the key's C and M. */
    static void check(String op, INDArray weight, SecretKey key) {
        long[] s = weight.shape();
        ShapeException.requireRank("key folding " + op, "patch-embedding weight (O, C, p, p)", 4, s);
        if (s[2] != s[3])
            throw new ShapeException("key folding " + op + ": the patch kernel must be square but the weight has shape " + ShapeException.show(s));
        if (s[2] != key.blockSize())
            throw new ShapeException("key folding " + op + ": needs block size = patch size, but the key " + key.fingerprint()
                    + " has block size " + key.blockSize() + " and the patch-embedding weight " + ShapeException.show(s) + " has patch size " + s[2]);
        if (s[1] != key.channels())
            throw new ShapeException("key folding " + op + ": the key " + key.fingerprint() + " is for " + key.channels()
                    + " channels but the patch-embedding weight " + ShapeException.show(s) + " has " + s[1]);
    }
}
