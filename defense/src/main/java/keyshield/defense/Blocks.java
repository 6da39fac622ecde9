package keyshield.defense;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where images are cut into blocks. {@link #rows} views (B, C, H, W) as a matrix with one
 * row per M×M block, its C·M·M values in a {@link PixelOrder}; {@link #image} goes back. Permuting
 * within blocks uses neither: {@link #sourceIndex} computes, once per image size, where each output
 * value of one image comes from, and {@link #permuteWithin} is then a single native gather over the
 * flattened images, not a loop over pixels.
 */
final class Blocks {
    private Blocks() {}

    /** x (B, C, H, W) with M dividing H and W → (B·H/M·W/M, C·M·M), block rows in image order. */
    static INDArray rows(INDArray x, int m, PixelOrder order) {
        long b = x.size(0), c = x.size(1), h = x.size(2) / m, w = x.size(3) / m;
        return x.reshape('c', b, c, h, m, w, m)                             // (B, C, H/M, M, W/M, M)
                .permute(order.blockAxes())                                  // (B, H/M, W/M, block axes)
                .dup('c').reshape('c', b * h * w, c * m * m);                // (B·H/M·W/M, C·M·M)
    }

    /** The inverse of {@link #rows}: block rows back to an image of {@code shape} (B, C, H, W). */
    static INDArray image(INDArray rows, long[] shape, int m, PixelOrder order) {
        long b = shape[0], c = shape[1], h = shape[2] / m, w = shape[3] / m;
        long[] block = order.blockShape((int) c, m);
        int[] axes = order.blockAxes(), back = new int[axes.length];
        for (int i = 0; i < axes.length; i++) back[axes[i]] = i;
        return rows.reshape('c', b, h, w, block[0], block[1], block[2])     // (B, H/M, W/M, block axes)
                .permute(back)                                               // (B, C, H/M, M, W/M, M)
                .dup('c').reshape('c', b, c, h * m, w * m);                  // (B, C, H, W)
    }

    /**
     * For images (C, H, W) flattened in row-major order: src[j] = the flat position that output position
     * j takes its value from when block vector position i takes the value at position p[i] of the same
     * block ({@code out[i] = in[p[i]]}). A one-time Java loop over C·H·W positions, not over the batch.
     */
    static int[] sourceIndex(int c, int h, int w, int m, PixelOrder order, int[] p) {
        int k = c * m * m;
        if (p.length != k) throw new ShapeException("block permutation: " + p.length + " indices for blocks of " + k + " values");
        int[] offset = new int[k];                                           // block vector position → flat offset from the block's corner
        for (int ch = 0; ch < c; ch++)
            for (int r = 0; r < m; r++)
                for (int col = 0; col < m; col++) offset[order.index(ch, r, col, c, m)] = (ch * h + r) * w + col;
        int[] src = new int[Math.multiplyExact(k, (h / m) * (w / m))];
        for (int by = 0; by < h / m; by++)
            for (int bx = 0; bx < w / m; bx++) {
                int corner = by * m * w + bx * m;
                for (int i = 0; i < k; i++) src[corner + offset[i]] = corner + offset[p[i]];
            }
        return src;
    }

    /** out = x with every block permuted, x (B, C, H, W): one gather of the flattened images along {@code src}. */
    static INDArray permuteWithin(INDArray x, int[] src) {
        long b = x.size(0);
        INDArray flat = x.reshape('c', b, x.length() / b);                   // (B, C·H·W)
        if (flat.size(1) != src.length)
            throw new ShapeException("block permutation: an index for " + src.length + " values per image but images " + ShapeException.show(x.shape()));
        return Nd4j.exec(new Gather(flat, src, 1))[0].reshape('c', x.shape());   // (B, C, H, W)
    }

    /** out[i] = in[p[i]] within every block of x (B, C, H, W); a new array of x's shape. */
    static INDArray permuteWithin(INDArray x, int m, PixelOrder order, int[] p) {
        return permuteWithin(x, sourceIndex((int) x.size(1), (int) x.size(2), (int) x.size(3), m, order, p));
    }

    /** q with q[p[i]] = i. */
    static int[] inverse(int[] p) {
        int[] q = new int[p.length];
        for (int i = 0; i < p.length; i++) q[p[i]] = i;
        return q;
    }
}
