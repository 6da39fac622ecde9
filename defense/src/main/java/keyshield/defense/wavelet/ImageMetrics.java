package keyshield.defense.wavelet;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Image fidelity metrics as scikit-image's {@code mean_squared_error} and {@code peak_signal_noise_ratio},
 * used to choose denoising settings that keep images visually unchanged (high PSNR).
 */
public final class ImageMetrics {
    private ImageMetrics() {}

    /** MSE = mean((a − b)²) over all elements, in float64; a and b must have the same shape. */
    public static double mse(INDArray a, INDArray b) {
        check("mse", a, b);
        double[] x = a.castTo(DataType.DOUBLE).dup('c').data().asDouble(), y = b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double sum = 0;
        for (int i = 0; i < x.length; i++) { double d = x[i] - y[i]; sum += d * d; }
        return sum / x.length;
    }

    /**
     * PSNR = 10·log10(R² / MSE) in dB with scikit-image's default data range R for float images: 1 when the
     * reference lies in [0, 1], 2 when it lies in [−1, 1] with negative values; a reference outside [−1, 1]
     * is refused (pass R explicitly with {@link #psnr(INDArray, INDArray, double)}).
     */
    public static double psnr(INDArray reference, INDArray test) {
        double min = reference.minNumber().doubleValue(), max = reference.maxNumber().doubleValue();
        if (min < -1 || max > 1)
            throw new IllegalArgumentException("psnr: the reference spans [" + min + ", " + max
                    + "], outside the float image range [-1, 1]; give the data range explicitly");
        return psnr(reference, test, min >= 0 ? 1.0 : 2.0);
    }

    /** PSNR = 10·log10(R² / MSE) in dB for data range R; +∞ for identical images. */
    public static double psnr(INDArray reference, INDArray test, double dataRange) {
        if (!(dataRange > 0)) throw new IllegalArgumentException("psnr: data range must be > 0 but is " + dataRange);
        return 10 * Math.log10(dataRange * dataRange / mse(reference, test));
    }

    private static void check(String op, INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new ShapeException(op + ": images must have the same shape but have " + ShapeException.show(a.shape())
                    + " and " + ShapeException.show(b.shape()));
        if (a.length() == 0) throw new ShapeException(op + ": images are empty " + ShapeException.show(a.shape()));
    }
}
