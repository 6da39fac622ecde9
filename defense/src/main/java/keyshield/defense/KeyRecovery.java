package keyshield.defense;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A key-recovery attack for security evaluations. A model fine-tuned on shuffled images from a plain
 * pre-trained model starts from the plain patch embedding; after fine-tuning its weight is close to the
 * folded plain weight (see {@link KeyFolding}), whose block-vector columns are the plain columns moved by
 * the key: W_keyed[:, p[i]] ≈ W_plain[:, i]. Matching columns therefore estimates p.
 *
 * <p>Method: lay both kernels (O, C, p, p) out as (O, K) column blocks in the {@link PixelOrder};
 * score each pair of columns by their Pearson correlation over the O output channels; find the
 * one-to-one matching of maximal total correlation (Hungarian method). A uniformly random guess gets
 * one position right on average (the expected number of fixed points of a random permutation).
 */
public final class KeyRecovery {
    private KeyRecovery() {}

    /** How much of a true permutation an estimate got right. */
    public record Report(int recovered, int total, double expectedByChance) {
        public double fraction() { return (double) recovered / total; }

        @Override
        public String toString() {
            return recovered + " of " + total + " positions recovered (" + String.format("%.1f%%", 100 * fraction())
                    + "; chance: " + expectedByChance + ")";
        }
    }

    /** The estimated permutation p̂ of the keyed kernel relative to the plain one (both (O, C, p, p)). */
    public static int[] estimate(INDArray keyed, INDArray plain, PixelOrder order) {
        long[] s = plain.shape();
        ShapeException.requireRank("key recovery", "plain patch-embedding weight (O, C, p, p)", 4, s);
        ShapeException.requireShape("key recovery", "the keyed patch-embedding weight", s, keyed.shape());
        if (s[2] != s[3]) throw new ShapeException("key recovery: the patch kernel must be square but has shape " + ShapeException.show(s));
        int p = (int) s[2];
        INDArray a = standardized(Blocks.rows(plain.castTo(DataType.DOUBLE), p, order));   // (O, K)
        INDArray b = standardized(Blocks.rows(keyed.castTo(DataType.DOUBLE), p, order));   // (O, K)
        INDArray corr = Nd4j.gemm(a, b, true, false);                                        // (K, K): corr[i, j] of plain i, keyed j
        int k = (int) corr.size(0);
        double[][] cost = new double[k][];
        for (int i = 0; i < k; i++) {
            cost[i] = corr.getRow(i).toDoubleVector();
            for (int j = 0; j < k; j++) cost[i][j] = -cost[i][j];
        }
        return Assignment.minimize(cost);
    }

    /** Compares the estimate with the key that was actually used. */
    public static Report evaluate(INDArray keyed, INDArray plain, SecretKey trueKey, PixelOrder order) {
        KeyFolding.check("key recovery", plain, trueKey);
        int[] guess = estimate(keyed, plain, order), truth = trueKey.permutation();
        int hits = 0;
        for (int i = 0; i < truth.length; i++) if (guess[i] == truth[i]) hits++;
        return new Report(hits, truth.length, 1.0);
    }

    /** Columns centred and scaled to unit norm, so aᵀb is the Pearson correlation (constant columns stay zero). */
    private static INDArray standardized(INDArray x) {
        INDArray c = x.subRowVector(x.mean(0));                                              // (O, K)
        INDArray norm = c.norm2(0);                                                          // (K)
        double[] n = norm.toDoubleVector();
        for (int i = 0; i < n.length; i++) n[i] = n[i] < 1e-300 ? 0 : 1 / n[i];
        return c.mulRowVector(Nd4j.createFromArray(n));
    }
}
