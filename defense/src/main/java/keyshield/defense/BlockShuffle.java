package keyshield.defense;

import keyshield.tensor.Function;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Block-wise pixel shuffling with a secret key (eq. 2 of the paper). The image batch x (B, C, H, W)
 * is cut into non-overlapping M×M blocks (M = the key's block size, which must divide H and W); each
 * block's C·M·M values, laid out in a {@link PixelOrder} (row, column, channel by default), are
 * permuted by the key's permutation p: {@code out[i] = in[p[i]]}; the blocks are put back in place.
 * The same p acts on every block of every image.
 *
 * <p>The map is a permutation, hence linear and orthogonal: its backward (the adjoint) is the inverse
 * permutation, so gradients pass through unmasked and an attacker who knows the key can attack f_K
 * directly. The work is one native gather over the flattened images with a per-image index map
 * (computed once per image size and cached), not a loop over pixels.
 */
public final class BlockShuffle implements KeyedTransform {
    private final SecretKey key;
    private final PixelOrder order;
    private final int[] perm;
    private final Map<Long, int[][]> indexBySize = new ConcurrentHashMap<>();   // (H, W) → {forward, inverse} source index

    /** Shuffles with {@code key} in the default {@link PixelOrder#HWC}. */
    public BlockShuffle(SecretKey key) { this(key, PixelOrder.HWC); }

    public BlockShuffle(SecretKey key, PixelOrder order) {
        if (key == null || order == null) throw new NullPointerException("BlockShuffle: key and pixel order are required");
        this.key = key;
        this.order = order;
        this.perm = key.permutation();
    }

    public SecretKey key() { return key; }

    public PixelOrder order() { return order; }

    /** The block permutation p (out[i] = in[p[i]]). */
    public int[] permutation() { return perm.clone(); }

    @Override
    public Tensor apply(Tensor x) {
        key.checkImage("BlockShuffle", x.shape());
        int[][] index = index(x.shape());
        return Function.apply(new Shuffle(index[0], index[1]), x);
    }

    @Override
    public Tensor inverse(Tensor y) {
        key.checkImage("BlockShuffle.inverse", y.shape());
        int[][] index = index(y.shape());
        return Function.apply(new Shuffle(index[1], index[0]), y);
    }

    /** The flat source index of one image of this size and its inverse. */
    private int[][] index(long[] shape) {
        long h = shape[2], w = shape[3];
        if ((long) key.channels() * h * w > Integer.MAX_VALUE)
            throw new IllegalArgumentException("BlockShuffle: images of " + key.channels() + "·" + h + "·" + w + " values are too large");
        return indexBySize.computeIfAbsent(h << 32 | w, hw -> {
            int[] src = Blocks.sourceIndex(key.channels(), (int) h, (int) w, key.blockSize(), order, perm);
            return new int[][] {src, Blocks.inverse(src)};
        });
    }

    @Override
    public String describe() { return "block shuffle (M = " + key.blockSize() + ", " + order + ", key " + key.fingerprint() + ")"; }

    /**
     * out[j] = in[src[j]] within each flattened image; a permutation, so the gradient is
     * gx[src[j]] = g[j], i.e. the gather along the inverse index.
     */
    static final class Shuffle extends Function {
        private final int[] src, inverse;

        Shuffle(int[] src, int[] inverse) { this.src = src; this.inverse = inverse; }

        @Override protected INDArray forward(INDArray... in) { return Blocks.permuteWithin(in[0], src); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {Blocks.permuteWithin(g, inverse)}; }

        @Override public String name() { return "blockShuffle"; }
    }
}
