package keyshield.defense;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one place where images are cut into blocks: a view of (B, C, H, W) as a matrix with one row per
 * M×M block, its C·M·M values in a {@link PixelOrder}, and back. Permuting within blocks is then a
 * single column gather ({@code out[:, i] = in[:, p[i]]}), done by libnd4j's {@code gather}, not by a
 * loop over pixels.
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

    /** out[:, i] = in[:, p[i]] within every block of x (B, C, H, W); a new array of x's shape. */
    static INDArray permuteWithin(INDArray x, int m, PixelOrder order, int[] p) {
        INDArray r = rows(x, m, order);                                      // (B·blocks, C·M·M)
        if (r.size(1) != p.length)
            throw new ShapeException("block permutation: " + p.length + " indices for blocks of " + r.size(1) + " values");
        INDArray shuffled = Nd4j.exec(new Gather(r, p, 1))[0];               // (B·blocks, C·M·M)
        return image(shuffled, x.shape(), m, order);
    }

    /** q with q[p[i]] = i. */
    static int[] inverse(int[] p) {
        int[] q = new int[p.length];
        for (int i = 0; i < p.length; i++) q[p[i]] = i;
        return q;
    }
}
