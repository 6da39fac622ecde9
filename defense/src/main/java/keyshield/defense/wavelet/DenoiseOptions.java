package keyshield.defense.wavelet;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Settings of {@link WaveletDenoise}, mirroring scikit-image 0.19's {@code denoise_wavelet} arguments.
 *
 * @param wavelet      the wavelet (scikit-image's default is db1 = Haar); the decomposition always uses
 *                     PyWavelets' default boundary mode, {@link BoundaryMode#SYMMETRIC}, as scikit-image does
 * @param method       BayesShrink or VisuShrink thresholds
 * @param threshold    soft or hard thresholding
 * @param sigma        the noise standard deviation of every channel; empty = estimated per channel from the
 *                     finest diagonal detail of the same decomposition (MAD / Φ⁻¹(0.75))
 * @param levels       decomposition levels; empty = max(dwtMaxLevel − 3, 1) as scikit-image
 * @param rescaleSigma scikit-image's {@code rescale_sigma}: when an integer image is rescaled to [0, 1]
 *                     ({@link WaveletDenoise#denoiseInteger}), a given σ is rescaled by the same factor. Float
 *                     images are never rescaled, so it has no effect on them (as in scikit-image)
 */
public record DenoiseOptions(Wavelet wavelet, ShrinkMethod method, Threshold threshold, OptionalDouble sigma,
                             OptionalInt levels, boolean rescaleSigma) {
    public DenoiseOptions {
        Objects.requireNonNull(wavelet, "wavelet");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(sigma, "sigma (use OptionalDouble.empty() to estimate it)");
        Objects.requireNonNull(levels, "levels (use OptionalInt.empty() for the default)");
        if (sigma.isPresent() && !(sigma.getAsDouble() >= 0 && Double.isFinite(sigma.getAsDouble())))
            throw new IllegalArgumentException("sigma must be a finite value >= 0 but is " + sigma.getAsDouble());
        if (levels.isPresent() && levels.getAsInt() < 1)
            throw new IllegalArgumentException("levels must be >= 1 but is " + levels.getAsInt());
    }

    /** BayesShrink, soft thresholding, estimated σ, default levels: scikit-image's defaults with this wavelet. */
    public static DenoiseOptions bayesSoft(Wavelet wavelet) {
        return new DenoiseOptions(wavelet, ShrinkMethod.BAYES, Threshold.SOFT, OptionalDouble.empty(), OptionalInt.empty(), true);
    }

    /** VisuShrink with hard thresholding at a known σ, default levels. */
    public static DenoiseOptions visuHard(Wavelet wavelet, double sigma) {
        return new DenoiseOptions(wavelet, ShrinkMethod.VISU, Threshold.HARD, OptionalDouble.of(sigma), OptionalInt.empty(), true);
    }

    /** These options with a fixed σ. */
    public DenoiseOptions withSigma(double s) {
        return new DenoiseOptions(wavelet, method, threshold, OptionalDouble.of(s), levels, rescaleSigma);
    }

    /** These options with a fixed number of levels. */
    public DenoiseOptions withLevels(int l) {
        return new DenoiseOptions(wavelet, method, threshold, sigma, OptionalInt.of(l), rescaleSigma);
    }

    /** The levels used for an H × W plane: the fixed value, or max(min(dwtMaxLevel(H), dwtMaxLevel(W)) − 3, 1). */
    public int levelsFor(int height, int width) {
        if (levels.isPresent()) return levels.getAsInt();
        int max = Math.min(Dwt2.dwtMaxLevel(height, wavelet.filterLength()), Dwt2.dwtMaxLevel(width, wavelet.filterLength()));
        return Math.max(max - 3, 1);
    }
}
