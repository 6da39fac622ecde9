package keyshield.defense.wavelet;

import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Wavelet denoising as scikit-image 0.19's {@code denoise_wavelet} (with {@code convert2ycbcr=False}):
 * decompose each channel with {@code wavedec2} (symmetric mode), threshold every detail sub-band
 * (BayesShrink or VisuShrink thresholds, soft or hard), keep the approximation, reconstruct with
 * {@code waverec2} and crop to the input size.
 *
 * <p>Noise level: a given σ, or per channel the robust estimate σ̂ = median(|d|) / Φ⁻¹(0.75) over the
 * non-zero finest diagonal coefficients d of that same decomposition (Donoho and Johnstone);
 * {@link #estimateSigma} is scikit-image's public {@code estimate_sigma}, which always uses db2 at one level.
 *
 * <p>Images: a plane (H, W), one image (C, H, W) or a batch (B, C, H, W). scikit-image's colour images are
 * channel-last (H, W, C) with {@code channel_axis=-1}; ours are channel-first, and every (image, channel)
 * plane is denoised on its own exactly as scikit-image's per-channel loop does. Like scikit-image for float
 * input, the output is NOT clipped (it may leave [0, 1] slightly); {@link DenoiseTransform} clips for the
 * classifier. Computation is in float64; the result has the input's dtype.
 */
public final class WaveletDenoise {
    private WaveletDenoise() {}

    /** Φ⁻¹(0.75), the 75th percentile of the standard normal (scipy.stats.norm.ppf(0.75)). */
    static final double NORMAL_Q75 = 0.6744897501960817;

    /** float64 machine epsilon (numpy.finfo(float64).eps), the floor of BayesShrink's signal variance. */
    static final double EPS = Math.ulp(1.0);

    /** Denoises every channel plane of x (rank 2, 3 or 4; channel-first), without clipping. */
    public static INDArray denoise(INDArray x, DenoiseOptions o) {
        return map(x, "denoise", plane -> denoisePlane(plane, o, o.sigma().isPresent() ? o.sigma().getAsDouble() : Double.NaN));
    }

    /**
     * Denoises an integer-valued image (C, H, W) holding values in [0, maxValue] (255 for 8-bit) as scikit-image
     * does for unsigned integer input: the image is scaled to [0, 1] by {@code img_as_float} (× 1/maxValue); with
     * {@link DenoiseOptions#rescaleSigma} a given σ (in the integer units) is multiplied by the same factor,
     * range_after / range_before of the whole image; the output is clipped to [0, 1].
     */
    public static INDArray denoiseInteger(INDArray x, double maxValue, DenoiseOptions o) {
        ShapeException.requireRank("denoiseInteger", "x (C, H, W)", 3, x.shape());
        if (!(maxValue > 0)) throw new IllegalArgumentException("denoiseInteger: maxValue must be > 0 but is " + maxValue);
        INDArray before = x.castTo(DataType.DOUBLE);
        double min = before.minNumber().doubleValue(), max = before.maxNumber().doubleValue();
        if (min < 0 || max > maxValue)
            throw new IllegalArgumentException("denoiseInteger: values must lie in [0, " + maxValue + "] but span [" + min + ", " + max + "]");
        INDArray scaled = before.mul(1.0 / maxValue);
        DenoiseOptions used = o;
        if (o.sigma().isPresent() && o.rescaleSigma()) {
            double rangePre = max - min;
            double rangePost = scaled.maxNumber().doubleValue() - scaled.minNumber().doubleValue();
            used = o.withSigma(o.sigma().getAsDouble() * (rangePost / rangePre));
        }
        INDArray out = denoise(scaled, used);
        return org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(out, 0.0), 1.0);
    }

    /** One plane: decompose, threshold the details, reconstruct, crop. sigma NaN = estimate it. */
    public static double[][] denoisePlane(double[][] plane, DenoiseOptions o, double sigma) {
        int h = plane.length, w = plane[0].length;
        Dwt2.Decomposition dec = Dwt2.wavedec2(plane, o.wavelet(), BoundaryMode.SYMMETRIC, o.levelsFor(h, w));
        double s = Double.isNaN(sigma) ? sigmaFromDetail(dec.level(1).diagonal()) : sigma;
        List<Dwt2.Details> kept = new ArrayList<>();
        double universal = s * Math.sqrt(2 * Math.log((double) h * w));      // VisuShrink
        for (Dwt2.Details d : dec.details()) {
            kept.add(new Dwt2.Details(
                    shrink(d.horizontal(), o, s, universal),
                    shrink(d.vertical(), o, s, universal),
                    shrink(d.diagonal(), o, s, universal)));
        }
        double[][] out = Dwt2.waverec2(new Dwt2.Decomposition(dec.approx(), kept), o.wavelet(), BoundaryMode.SYMMETRIC);
        return Dwt2.crop(out, h, w);                                         // odd sizes reconstruct one larger
    }

    private static double[][] shrink(double[][] band, DenoiseOptions o, double sigma, double universal) {
        double t = o.method() == ShrinkMethod.BAYES ? bayesThreshold(band, sigma) : universal;
        return o.threshold().apply(band, t);
    }

    /** BayesShrink's threshold for a zero-mean detail band: σ² / √max(mean(band²) − σ², ε). */
    public static double bayesThreshold(double[][] band, double sigma) {
        double var = sigma * sigma, sum = 0;
        long n = 0;
        for (double[] row : band) for (double v : row) { sum += v * v; n++; }
        return var / Math.sqrt(Math.max(sum / n - var, EPS));
    }

    /** VisuShrink's universal threshold σ·√(2·ln N) for a plane of N pixels. */
    public static double universalThreshold(double sigma, long pixels) { return sigma * Math.sqrt(2 * Math.log(pixels)); }

    /**
     * The robust noise estimate from detail coefficients: median(|d|) / Φ⁻¹(0.75) over the non-zero d (zeros
     * are treated as masked, as scikit-image does). A band with no non-zero coefficient has no noise: 0
     * (scikit-image would return NaN there).
     */
    public static double sigmaFromDetail(double[][] detail) {
        double[] a = Arrays.stream(detail).flatMapToDouble(Arrays::stream).filter(v -> v != 0).map(Math::abs).sorted().toArray();
        if (a.length == 0) return 0.0;
        int mid = a.length / 2;
        double median = a.length % 2 == 1 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
        return median / NORMAL_Q75;
    }

    /** scikit-image's {@code estimate_sigma} of one plane: MAD of the db2 level-1 diagonal detail (symmetric mode). */
    public static double estimateSigma(double[][] plane) {
        return sigmaFromDetail(Dwt2.dwt2(plane, Wavelet.DB2, BoundaryMode.SYMMETRIC).details().diagonal());
    }

    /** {@code estimate_sigma(image, channel_axis=-1)} for a channel-first image (C, H, W): one σ per channel. */
    public static double[] estimateSigma(INDArray image) {
        ShapeException.requireRank("estimateSigma", "image (C, H, W)", 3, image.shape());
        double[] sigmas = new double[(int) image.size(0)];
        for (int c = 0; c < sigmas.length; c++) sigmas[c] = estimateSigma(Planes.of(image.slice(c)));
        return sigmas;
    }

    /** Applies f to every (H, W) plane of a rank 2–4 channel-first array, keeping shape and dtype. */
    static INDArray map(INDArray x, String op, java.util.function.UnaryOperator<double[][]> f) {
        if (x.rank() < 2 || x.rank() > 4)
            throw new ShapeException(op + ": expected (H, W), (C, H, W) or (B, C, H, W) but got " + ShapeException.show(x.shape()));
        if (!x.dataType().isFPType())
            throw new IllegalArgumentException(op + ": expected a float32 or float64 image but got " + x.dataType());
        int h = (int) x.size(x.rank() - 2), w = (int) x.size(x.rank() - 1), hw = h * w;
        if (hw == 0) throw new ShapeException(op + ": the image planes are empty: " + ShapeException.show(x.shape()));
        double[] in = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();  // planes (B·C) of H·W, row-major
        double[] result = new double[in.length];
        for (int p = 0; p < in.length / hw; p++) {
            double[][] plane = new double[h][w];
            for (int r = 0; r < h; r++) System.arraycopy(in, p * hw + r * w, plane[r], 0, w);
            for (double[] row : plane)
                for (double v : row)
                    if (!Double.isFinite(v)) throw new IllegalArgumentException(op + ": the image contains " + v + " (plane " + p + ")");
            double[][] done = f.apply(plane);
            for (int r = 0; r < h; r++) System.arraycopy(done[r], 0, result, p * hw + r * w, w);
        }
        INDArray out = Nd4j.create(result, x.shape(), DataType.DOUBLE);
        return out.castTo(x.dataType());                                     // input shape and dtype
    }
}
