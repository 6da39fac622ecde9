package keyshield.defense;

import keyshield.tensor.Function;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Block-wise pixel shuffling with a secret key (eq. 2 of the paper). The image batch x (B, C, H, W)
 * is cut into non-overlapping M×M blocks (M = the key's block size, which must divide H and W); each
 * block's C·M·M values, laid out in a {@link PixelOrder} (row, column, channel by default), are
 * permuted by the key's permutation p: {@code out[i] = in[p[i]]}; the blocks are put back in place.
 * The same p acts on every block of every image.
 *
 * <p>The map is a permutation, hence linear and orthogonal: its backward (the adjoint) is the inverse
 * permutation, so gradients pass through unmasked and an attacker who knows the key can attack f_K
 * directly. The work is two reshapes/permutes and one native gather, not a loop over pixels.
 */
public final class BlockShuffle implements KeyedTransform {
    private final SecretKey key;
    private final PixelOrder order;
    private final int[] perm, inv;

    /** Shuffles with {@code key} in the default {@link PixelOrder#HWC}. */
    public BlockShuffle(SecretKey key) { this(key, PixelOrder.HWC); }

    public BlockShuffle(SecretKey key, PixelOrder order) {
        if (key == null || order == null) throw new NullPointerException("BlockShuffle: key and pixel order are required");
        this.key = key;
        this.order = order;
        this.perm = key.permutation();
        this.inv = Blocks.inverse(perm);
    }

    public SecretKey key() { return key; }

    public PixelOrder order() { return order; }

    /** The block permutation p (out[i] = in[p[i]]). */
    public int[] permutation() { return perm.clone(); }

    @Override
    public Tensor apply(Tensor x) {
        key.checkImage("BlockShuffle", x.shape());
        return Function.apply(new Shuffle(key.blockSize(), order, perm, inv), x);
    }

    @Override
    public Tensor inverse(Tensor y) {
        key.checkImage("BlockShuffle.inverse", y.shape());
        return Function.apply(new Shuffle(key.blockSize(), order, inv, perm), y);
    }

    @Override
    public String describe() { return "block shuffle (M = " + key.blockSize() + ", " + order + ", key " + key.fingerprint() + ")"; }

    /** out[:, i] = in[:, p[i]] within blocks; the gradient goes back through q = p⁻¹. */
    static final class Shuffle extends Function {
        private final int m;
        private final PixelOrder order;
        private final int[] p, q;

        Shuffle(int m, PixelOrder order, int[] p, int[] q) { this.m = m; this.order = order; this.p = p; this.q = q; }

        @Override protected INDArray forward(INDArray... in) { return Blocks.permuteWithin(in[0], m, order, p); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {Blocks.permuteWithin(g, m, order, q)}; }

        @Override public String name() { return "blockShuffle"; }
    }
}
