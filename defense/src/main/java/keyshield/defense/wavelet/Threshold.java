package keyshield.defense.wavelet;

/**
 * Coefficient thresholding as PyWavelets' {@code pywt.threshold(data, value, mode)} with substitute 0.
 * Both shrink a coefficient to 0 when its magnitude is below the threshold t; they differ above it.
 */
public enum Threshold {
    /** Soft (shrinkage): sign(x)·max(|x| − t, 0); continuous in x, biased by t for large coefficients. */
    SOFT {
        @Override public double apply(double x, double t) {
            double magnitude = Math.abs(x);
            return magnitude <= t ? 0.0 : Math.copySign(magnitude - t, x);
        }
    },
    /** Hard (keep or kill): x when |x| ≥ t, else 0 (PyWavelets keeps |x| = t). */
    HARD {
        @Override public double apply(double x, double t) { return Math.abs(x) < t ? 0.0 : x; }
    };

    /** The thresholded value of one coefficient x with threshold t ≥ 0. */
    public abstract double apply(double x, double t);

    /** A thresholded copy of a sub-band. */
    public double[][] apply(double[][] band, double t) {
        if (!(t >= 0)) throw new IllegalArgumentException("threshold must be >= 0 and not NaN but is " + t);
        double[][] out = new double[band.length][];
        for (int r = 0; r < band.length; r++) {
            out[r] = new double[band[r].length];
            for (int c = 0; c < band[r].length; c++) out[r][c] = apply(band[r][c], t);
        }
        return out;
    }
}
