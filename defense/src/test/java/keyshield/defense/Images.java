package keyshield.defense;

import keyshield.tensor.Arrays64;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test images and a per-pixel reference of the block shuffle, written straight from the definition. */
final class Images {
    private Images() {}

    /** Uniform float64 values in [0, 1). */
    static INDArray random(long seed, long... shape) { return Arrays64.random(seed, 0, 1, shape); }

    /** out[b, c, by·M + r, bx·M + col] with block vector position i taking in's value at position p[i] of the same block. */
    static INDArray shuffleByDefinition(INDArray x, int m, PixelOrder order, int[] p) {
        long b = x.size(0);
        int c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        INDArray out = x.dup();
        int k = c * m * m;
        int[][] coords = new int[k][];                                       // block vector position → (channel, row, col)
        for (int ch = 0; ch < c; ch++)
            for (int r = 0; r < m; r++)
                for (int col = 0; col < m; col++) coords[order.index(ch, r, col, c, m)] = new int[] {ch, r, col};
        for (long n = 0; n < b; n++)
            for (int by = 0; by < h / m; by++)
                for (int bx = 0; bx < w / m; bx++)
                    for (int i = 0; i < k; i++) {
                        int[] to = coords[i], from = coords[p[i]];
                        out.putScalar(new long[] {n, to[0], by * m + to[1], bx * m + to[2]},
                                x.getDouble(n, from[0], by * m + from[1], bx * m + from[2]));
                    }
        return out;
    }
}
