package keyshield.defense.wavelet;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversions between INDArrays and the {@code double[rows][cols]} planes the wavelet code works on. The
 * wavelet math runs in float64 whatever the input dtype, so results match PyWavelets' float64 values.
 */
public final class Planes {
    private Planes() {}

    /** A 2-D array (H, W) as a fresh double[H][W]. */
    public static double[][] of(INDArray a) {
        if (a.rank() != 2)
            throw new IllegalArgumentException("expected a 2-D (H, W) array but got shape " + java.util.Arrays.toString(a.shape()));
        int h = (int) a.size(0), w = (int) a.size(1);
        double[] flat = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] out = new double[h][w];
        for (int r = 0; r < h; r++) System.arraycopy(flat, r * w, out[r], 0, w);
        return out;
    }

    /** A plane as a float64 (H, W) array. */
    public static INDArray toArray(double[][] p) {
        int h = p.length, w = p[0].length;
        double[] flat = new double[h * w];
        for (int r = 0; r < h; r++) System.arraycopy(p[r], 0, flat, r * w, w);
        return Nd4j.create(flat, new long[] {h, w}, DataType.DOUBLE);     // (H, W)
    }
}
