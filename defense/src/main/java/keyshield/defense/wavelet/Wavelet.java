package keyshield.defense.wavelet;

/**
 * The orthogonal wavelets of the DWT defense: Haar and Daubechies db1–db8, with PyWavelets' filters.
 *
 * <p>Each wavelet is defined by its reconstruction low-pass filter {@code rec_lo} (the Daubechies scaling
 * coefficients, summing to √2, as tabulated by PyWavelets to 17 significant digits). The other three
 * filters follow from orthogonality exactly as PyWavelets lists them:
 * <pre>
 *   dec_lo[k] = rec_lo[L−1−k]          (time reverse)
 *   rec_hi[k] = (−1)^k · dec_lo[k]     (quadrature mirror)
 *   dec_hi[k] = rec_hi[L−1−k]
 * </pre>
 * so only signs and order change and every coefficient equals PyWavelets' table bit for bit.
 * {@link #HAAR} and {@link #DB1} are the same wavelet, as in PyWavelets.
 */
public enum Wavelet {
    HAAR(0.70710678118654757, 0.70710678118654757),
    DB1(0.70710678118654757, 0.70710678118654757),
    DB2(0.48296291314469025, 0.83651630373746899, 0.22414386804185735, -0.12940952255092145),
    DB3(0.33267055295095688, 0.80689150931333875, 0.45987750211933132, -0.13501102001039084,
            -0.085441273882241486, 0.035226291882100656),
    DB4(0.23037781330885523, 0.71484657055254153, 0.63088076792959036, -0.027983769416983849,
            -0.18703481171888114, 0.030841381835986965, 0.032883011666982945, -0.010597401784997278),
    DB5(0.16010239797412501, 0.60382926979747287, 0.72430852843857441, 0.13842814590110342,
            -0.24229488706619015, -0.03224486958502952, 0.077571493840065148, -0.0062414902130117052,
            -0.012580751999015526, 0.0033357252850015492),
    DB6(0.11154074335008017, 0.49462389039838539, 0.75113390802157753, 0.3152503517092432,
            -0.22626469396516913, -0.12976686756709563, 0.097501605587079362, 0.027522865530016288,
            -0.031582039318031156, 0.0005538422009938016, 0.0047772575110106514, -0.0010773010849955799),
    DB7(0.077852054085062364, 0.39653931948230575, 0.72913209084655506, 0.4697822874053586,
            -0.14390600392910627, -0.22403618499416572, 0.071309219267050042, 0.080612609151065898,
            -0.038029936935034633, -0.01657454163101562, 0.012550998556013784, 0.00042957797300470274,
            -0.0018016407039998328, 0.00035371380000103988),
    DB8(0.054415842243081609, 0.31287159091446592, 0.67563073629801285, 0.58535468365486909,
            -0.015829105256023893, -0.28401554296242809, 0.00047248457399797254, 0.12874742662018601,
            -0.017369301002022108, -0.044088253931064719, 0.013981027917015516, 0.0087460940470156547,
            -0.0048703529930106603, -0.00039174037299597711, 0.00067544940599855677, -0.00011747678400228192);

    private final double[] recLo, recHi, decLo, decHi;

    Wavelet(double... recLo) {
        int n = recLo.length;
        this.recLo = recLo.clone();
        decLo = new double[n];
        recHi = new double[n];
        decHi = new double[n];
        for (int k = 0; k < n; k++) decLo[k] = recLo[n - 1 - k];
        for (int k = 0; k < n; k++) recHi[k] = (k % 2 == 0) ? decLo[k] : -decLo[k];
        for (int k = 0; k < n; k++) decHi[k] = recHi[n - 1 - k];
    }

    /** Filter length L (2 for Haar, 2·N for dbN): PyWavelets' {@code dec_len}. */
    public int filterLength() { return recLo.length; }

    /** Decomposition (analysis) low-pass filter, PyWavelets' {@code dec_lo}. */
    public double[] decLo() { return decLo.clone(); }

    /** Decomposition (analysis) high-pass filter, PyWavelets' {@code dec_hi}. */
    public double[] decHi() { return decHi.clone(); }

    /** Reconstruction (synthesis) low-pass filter, PyWavelets' {@code rec_lo}. */
    public double[] recLo() { return recLo.clone(); }

    /** Reconstruction (synthesis) high-pass filter, PyWavelets' {@code rec_hi}. */
    public double[] recHi() { return recHi.clone(); }

    // Package-private views for the transforms, which only read them.
    double[] lo() { return decLo; }
    double[] hi() { return decHi; }
    double[] rlo() { return recLo; }
    double[] rhi() { return recHi; }

    /** The PyWavelets name: {@code haar}, {@code db1} … {@code db8}. */
    public String pywtName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
