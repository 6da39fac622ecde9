package keyshield.defense.wavelet;

/**
 * How a finite signal is extended past its ends before filtering, as PyWavelets' {@code mode} argument.
 * The mode fixes the coefficient lengths and the exact values near the borders; both are reproduced
 * here, including PyWavelets' phase (which samples are kept after downsampling).
 *
 * <p>The one-level 1-D analysis of a signal x of length N with a filter f of length L keeps every other
 * sample of the convolution (f * x̃)[i] = Σ_j f[j]·x̃[i − j], where x̃ is the extended signal. The synthesis
 * up-samples the coefficients, convolves with a reconstruction filter and keeps the part where the filter
 * fully overlaps; the approximation and detail contributions are added.
 */
public enum BoundaryMode {
    /**
     * Half-sample symmetric extension ({@code … x1 x0 | x0 x1 … xN−1 | xN−1 xN−2 …}), PyWavelets' default.
     * The transform is redundant: N samples give ⌊(N + L − 1)/2⌋ coefficients per band, and m
     * coefficients reconstruct 2m − L + 2 samples (one more than N when N is odd).
     */
    SYMMETRIC {
        @Override public int coefficientLength(int n, int filterLength) { return (n + filterLength - 1) / 2; }

        @Override public int reconstructionLength(int m, int filterLength) { return 2 * m - filterLength + 2; }

        /** y[o] = Σ_j f[j]·x̃[2o + 1 − j]: the odd samples of the full convolution. */
        @Override void analyze(double[] x, double[] f, double[] y) {
            int n = x.length, lo = 2 - f.length;                             // x̃ is read on [2 − L, 2·len − 1]
            double[] ext = new double[2 * y.length - lo];
            for (int k = 0; k < ext.length; k++) ext[k] = x[symmetric(k + lo, n)];
            convolveOddSamples(ext, -lo, f, y);
        }

        /** out[2t + e] += Σ_j f[2j + e]·c[t + L/2 − 1 − j] for e ∈ {0, 1}: the "valid" part of the up-sampled convolution. */
        @Override void synthesize(double[] c, double[] f, double[] out) {
            int half = f.length / 2;
            if (c.length < half)
                throw new IllegalArgumentException("symmetric synthesis needs at least " + half
                        + " coefficients for a filter of length " + f.length + " but got " + c.length);
            for (int i = half - 1, o = 0; i < c.length; i++, o += 2) {
                double even = 0, odd = 0;
                for (int j = 0; j < half; j++) {
                    even += f[2 * j] * c[i - j];
                    odd += f[2 * j + 1] * c[i - j];
                }
                out[o] += even;
                out[o + 1] += odd;
            }
        }
    },

    /**
     * Periodic extension after padding an odd-length signal with a copy of its last sample, so the
     * transform is critically sampled: ⌈N/2⌉ coefficients per band and 2m samples back. With an
     * orthogonal wavelet and even N it is an orthogonal change of basis (energy is preserved).
     */
    PERIODIZATION {
        @Override public int coefficientLength(int n, int filterLength) { return (n + 1) / 2; }

        @Override public int reconstructionLength(int m, int filterLength) { return 2 * m; }

        /** y[o] = Σ_j f[j]·x̃[(L/2 + 2o − j) mod N'], N' = N rounded up to even, x̃[N] = x[N − 1]. */
        @Override void analyze(double[] x, double[] f, double[] y) {
            int n = x.length, padded = n + n % 2, half = f.length / 2;
            int lo = half - (f.length - 1);                                  // x̃ is read on [L/2 − L + 1, L/2 + 2·len − 2]
            double[] ext = new double[half + 2 * y.length - 1 - lo];
            for (int k = 0; k < ext.length; k++) ext[k] = x[Math.min(Math.floorMod(k + lo, padded), n - 1)];
            for (int o = 0; o < y.length; o++) {
                int i = half + 2 * o - lo;
                double sum = 0;
                for (int j = 0; j < f.length; j++) sum += f[j] * ext[i - j];
                y[o] = sum;
            }
        }

        /**
         * The inverse of {@link #analyze} with PyWavelets' output phase: for t = 0 … m − 1 and
         * i = ⌊L/4⌋ − s + t, out[(2t − s + e) mod 2m] += Σ_j f[2j + e]·c[(i − j) mod m], where the shift s is 1
         * when L/2 is even (db2, db4, …) and 0 otherwise.
         */
        @Override void synthesize(double[] c, double[] f, double[] out) {
            int m = c.length, half = f.length / 2, shift = half % 2 == 0 ? 1 : 0, start = f.length / 4;
            for (int t = 0; t < m; t++) {
                int i = start - shift + t, o = 2 * t - shift;
                double even = 0, odd = 0;
                for (int j = 0; j < half; j++) {
                    double ci = c[Math.floorMod(i - j, m)];
                    even += f[2 * j] * ci;
                    odd += f[2 * j + 1] * ci;
                }
                out[Math.floorMod(o, 2 * m)] += even;
                out[Math.floorMod(o + 1, 2 * m)] += odd;
            }
        }
    };

    /** Coefficients per band from a signal of length n (PyWavelets' {@code dwt_coeff_len}). */
    public abstract int coefficientLength(int n, int filterLength);

    /** Samples reconstructed from m coefficients per band (PyWavelets' {@code idwt_buffer_length}). */
    public abstract int reconstructionLength(int m, int filterLength);

    /** One band of the 1-D analysis: writes y (length {@link #coefficientLength}) from x with filter f. */
    abstract void analyze(double[] x, double[] f, double[] y);

    /** Adds one band's 1-D synthesis of c with filter f into out (length {@link #reconstructionLength}). */
    abstract void synthesize(double[] c, double[] f, double[] out);

    /** y[o] = Σ_j f[j]·ext[origin + 2o + 1 − j], ext being the extended signal with x̃[0] at {@code origin}. */
    static void convolveOddSamples(double[] ext, int origin, double[] f, double[] y) {
        for (int o = 0; o < y.length; o++) {
            int i = origin + 2 * o + 1;
            double sum = 0;
            for (int j = 0; j < f.length; j++) sum += f[j] * ext[i - j];
            y[o] = sum;
        }
    }

    /** Index k of the half-sample symmetric extension of a signal of length n, folded back into [0, n). */
    static int symmetric(int k, int n) {
        int m = Math.floorMod(k, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    /** The PyWavelets name: {@code symmetric} or {@code periodization}. */
    public String pywtName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
