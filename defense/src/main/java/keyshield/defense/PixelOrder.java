package keyshield.defense;

/**
 * The order in which the C·M·M values of one M×M block are laid out as a vector before the key's
 * permutation acts on it. The permutation p of a key only has a meaning together with this order:
 * {@code out[i] = in[p[i]]} where i and p[i] are positions in this vector.
 *
 * <p>{@link #HWC} is the convention of the original key-based defense code (Kiya, AprilPyone et al.,
 * who cut NHWC images into blocks and flatten each block row by row): row, then column, then channel,
 * the channel varying fastest. For a 2×2 block of an RGB image the vector is
 * <pre>
 *   R(0,0) G(0,0) B(0,0) R(0,1) G(0,1) B(0,1) R(1,0) G(1,0) B(1,0) R(1,1) G(1,1) B(1,1)
 * </pre>
 * {@link #CHW} (channel, then row, then column) is PyTorch's memory order and the order in which timm
 * flattens a patch-embedding kernel (O, C, p, p); it is offered for experiments that want it, but keys
 * written by keyshield mean HWC unless said otherwise.
 */
public enum PixelOrder {
    /** Row, column, channel; channel fastest: index = (row·M + col)·C + c. The default. */
    HWC {
        @Override public int index(int c, int row, int col, int channels, int m) { return (row * m + col) * channels + c; }
        @Override int[] blockAxes() { return new int[] {0, 2, 4, 3, 5, 1}; }          // (B, H/M, W/M, M, M, C)
        @Override long[] blockShape(int channels, int m) { return new long[] {m, m, channels}; }
    },
    /** Channel, row, column; column fastest: index = (c·M + row)·M + col. */
    CHW {
        @Override public int index(int c, int row, int col, int channels, int m) { return (c * m + row) * m + col; }
        @Override int[] blockAxes() { return new int[] {0, 2, 4, 1, 3, 5}; }          // (B, H/M, W/M, C, M, M)
        @Override long[] blockShape(int channels, int m) { return new long[] {channels, m, m}; }
    };

    /** Position in the block vector of channel {@code c} at ({@code row}, {@code col}) of an M×M block. */
    public abstract int index(int c, int row, int col, int channels, int m);

    /**
     * The axis order that takes an image viewed as (B, C, H/M, M, W/M, M) to
     * (B, H/M, W/M, block axes in this order), so each block becomes one contiguous row.
     */
    abstract int[] blockAxes();

    /** The three block axes in this order, e.g. (M, M, C) for HWC. */
    abstract long[] blockShape(int channels, int m);
}
