package keyshield.vit.weights;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Resamples a learned position embedding to another patch grid, as timm's {@code resample_abs_pos_embed}
 * does when a checkpoint is fine-tuned at another image or patch size: the prefix (class) tokens are
 * kept, the grid part (1, H·W, D) is viewed as a D-channel H×W image and resized with bicubic
 * interpolation, in float32 like timm.
 *
 * <p>Two bicubic variants exist and give different numbers even when upsampling. timm calls PyTorch with
 * {@code antialias=True}: the separable filter of PIL (cubic with a = −0.5, support widened by the scale
 * when shrinking, weights normalised per output pixel). With {@code antialias=False} it is PyTorch's
 * classic kernel (a = −0.75, source = (dst + ½)·in/out − ½, indices clamped at the border). Both are
 * expressed here as one (out × in) weight matrix per axis: grid' = W_h · grid · W_wᵀ per channel.
 */
public final class PosEmbedResample {
    private PosEmbedResample() {}

    /** The interpolation kernel. */
    public enum Bicubic {
        /** PyTorch {@code F.interpolate(..., mode='bicubic', antialias=True)}: timm's default. */
        ANTIALIAS,
        /** PyTorch {@code F.interpolate(..., mode='bicubic', antialias=False, align_corners=False)}. */
        CLASSIC
    }

    /**
     * @param posEmbed (1, prefix + oldH·oldW, D)
     * @return (1, prefix + newH·newW, D) in posEmbed's dtype
     */
    public static INDArray resample(INDArray posEmbed, int numPrefixTokens, int oldH, int oldW, int newH, int newW, Bicubic kernel) {
        ShapeException.requireRank("resamplePosEmbed", "pos_embed (1, tokens, dim)", 3, posEmbed.shape());
        long tokens = posEmbed.size(1), dim = posEmbed.size(2);
        if (tokens != numPrefixTokens + (long) oldH * oldW)
            throw new ShapeException("resamplePosEmbed: pos_embed has " + tokens + " tokens but " + numPrefixTokens + " prefix tokens + a "
                    + oldH + "×" + oldW + " grid need " + (numPrefixTokens + (long) oldH * oldW));
        if (newH < 1 || newW < 1) throw new ShapeException("resamplePosEmbed: new grid " + newH + "×" + newW + " must be positive");
        DataType dtype = posEmbed.dataType();
        INDArray prefix = posEmbed.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numPrefixTokens), NDArrayIndex.all());
        INDArray grid = posEmbed.get(NDArrayIndex.point(0), NDArrayIndex.interval(numPrefixTokens, tokens), NDArrayIndex.all())
                .castTo(DataType.FLOAT).dup('c').reshape('c', oldH, oldW * dim);             // (H, W·D)
        INDArray wh = weights(oldH, newH, kernel), ww = weights(oldW, newW, kernel);
        INDArray rows = Nd4j.gemm(wh, grid, false, false);                                    // (H', W·D)
        INDArray perRow = rows.reshape('c', (long) newH, oldW, dim).permute(1, 0, 2).dup('c').reshape('c', oldW, (long) newH * dim);   // (W, H'·D)
        INDArray cols = Nd4j.gemm(ww, perRow, false, false);                                  // (W', H'·D)
        INDArray out = cols.reshape('c', newW, newH, dim).permute(1, 0, 2).dup('c').reshape('c', 1, (long) newH * newW, dim);   // (1, H'·W', D)
        return Nd4j.concat(1, prefix.castTo(dtype), out.castTo(dtype));
    }

    /** The (out × in) interpolation matrix of one axis. */
    static INDArray weights(int in, int out, Bicubic kernel) {
        float[][] w = new float[out][in];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            if (kernel == Bicubic.CLASSIC) {
                double src = (i + 0.5) * scale - 0.5;
                int i0 = (int) Math.floor(src);
                double t = src - i0;
                for (int k = -1; k <= 2; k++) {
                    int j = Math.min(Math.max(i0 + k, 0), in - 1);
                    w[i][j] += (float) cubic(k - t, -0.75);
                }
            } else {
                double support = 2.0 * Math.max(scale, 1.0), inv = scale > 1 ? 1.0 / scale : 1.0;
                double center = scale * (i + 0.5);
                int lo = Math.max((int) (center - support + 0.5), 0), hi = Math.min((int) (center + support + 0.5), in);
                double total = 0;
                double[] ws = new double[hi - lo];
                for (int j = lo; j < hi; j++) total += ws[j - lo] = cubic((j - center + 0.5) * inv, -0.5);
                for (int j = lo; j < hi; j++) w[i][j] = (float) (total == 0 ? 0 : ws[j - lo] / total);
            }
        }
        return Nd4j.createFromArray(w);
    }

    /** Keys' cubic convolution kernel with parameter a. */
    private static double cubic(double x, double a) {
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }
}
