package keyshield.defense;

import keyshield.tensor.Tensor;
import org.apache.commons.rng.UniformRandomProvider;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pixel-wise negative/positive transform with a secret key, of the same family as {@link BlockShuffle}:
 * within every M×M block, the values at key-selected positions i of the block vector (in a
 * {@link PixelOrder}) become 1 − x, the others stay x:
 * <pre>  t(x) = x ⊙ (1 − 2s) + s,   s ∈ {0, 1} the key's selection tiled over the image  </pre>
 * It is its own inverse and affine, so its gradient is (1 − 2s) ⊙ g.
 *
 * <p>Selection: position i of the block vector is selected when the i-th draw of the key's generator
 * with label {@code "keyshield-negpos-v1"} (see {@link SecretKey}) has its top bit set
 * ({@code nextLong() >>> 63 == 1}), i = 0 … C·M·M − 1.
 */
public final class NegPosTransform implements KeyedTransform {
    private final SecretKey key;
    private final PixelOrder order;
    private final boolean[] selected;

    public NegPosTransform(SecretKey key) { this(key, PixelOrder.HWC); }

    public NegPosTransform(SecretKey key, PixelOrder order) {
        if (key == null || order == null) throw new NullPointerException("NegPosTransform: key and pixel order are required");
        this.key = key;
        this.order = order;
        UniformRandomProvider rng = key.generator("keyshield-negpos-v1");
        selected = new boolean[key.permutationSize()];
        for (int i = 0; i < selected.length; i++) selected[i] = rng.nextLong() >>> 63 == 1;
    }

    /** Which positions of the block vector are inverted. */
    public boolean[] selection() { return selected.clone(); }

    @Override
    public Tensor apply(Tensor x) {
        key.checkImage("NegPosTransform", x.shape());
        INDArray s = mask(x.size(2), x.size(3), x.dtype());                  // (1, C, H, W)
        return x.mul(Tensor.constant(s.mul(-2).addi(1))).add(Tensor.constant(s));
    }

    /** The transform is an involution: t⁻¹ = t. */
    @Override
    public Tensor inverse(Tensor y) { return apply(y); }

    @Override
    public String describe() { return "negative/positive (M = " + key.blockSize() + ", " + order + ", key " + key.fingerprint() + ")"; }

    /** s tiled over an H×W image: one block row repeated for each block, then put back in image layout. */
    private INDArray mask(long h, long w, DataType dtype) {
        int m = key.blockSize();
        long blocks = (h / m) * (w / m);
        double[] row = new double[selected.length];
        for (int i = 0; i < row.length; i++) row[i] = selected[i] ? 1 : 0;
        INDArray rows = Nd4j.create(row, new long[] {1, row.length}, dtype)  // (1, C·M·M)
                .repeat(0, blocks);                                          // (blocks, C·M·M)
        return Blocks.image(rows, new long[] {1, key.channels(), h, w}, m, order);  // (1, C, H, W)
    }
}
