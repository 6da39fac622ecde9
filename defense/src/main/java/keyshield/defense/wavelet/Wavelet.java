package keyshield.defense.wavelet;

/**
 * The orthogonal wavelets of the DWT defense: Haar and Daubechies db1–db8, with PyWavelets' filters.
 *
 * <p>Each wavelet is defined by its reconstruction low-pass filter {@code rec_lo}: the Daubechies scaling
 * coefficients (summing to √2) of PyWavelets 1.1.1's table (Kazuo Hatano's 60-digit values, compiled by Olli
 * Niemitalo), rounded to the nearest double as PyWavelets' C compiler does. (Later PyWavelets releases
 * ship a table that differs by up to ~1e-12.) The other three filters follow from orthogonality exactly
 * as PyWavelets 1.1.1 builds them:
 * <pre>
 *   dec_lo[k] = rec_lo[L−1−k]          (time reverse)
 *   rec_hi[k] = (−1)^k · dec_lo[k]     (quadrature mirror)
 *   dec_hi[k] = rec_hi[L−1−k]
 * </pre>
 * so only signs and order change and every coefficient equals PyWavelets 1.1.1's filters bit for bit.
 * {@link #HAAR} and {@link #DB1} are the same wavelet, as in PyWavelets.
 */
public enum Wavelet {
    HAAR(0.7071067811865476, 0.7071067811865476),
    DB1(0.7071067811865476, 0.7071067811865476),
    DB2(0.48296291314453416, 0.8365163037378079, 0.2241438680420134, -0.12940952255126037),
    DB3(0.33267055295008263, 0.8068915093110925, 0.45987750211849154, -0.13501102001025458, -0.08544127388202666,
            0.03522629188570953),
    DB4(0.2303778133088965, 0.7148465705529157, 0.6308807679298589, -0.027983769416859854, -0.18703481171909309,
            0.030841381835560764, 0.0328830116668852, -0.010597401785069032),
    DB5(0.16010239797419293, 0.6038292697971896, 0.7243085284377729, 0.13842814590132074, -0.24229488706638203,
            -0.032244869584638375, 0.07757149384004572, -0.006241490212798274, -0.012580751999081999,
            0.0033357252854737712),
    DB6(0.11154074335010947, 0.49462389039845306, 0.7511339080210954, 0.31525035170919763, -0.22626469396543983,
            -0.12976686756726194, 0.09750160558732304, 0.027522865530305727, -0.03158203931748603,
            0.0005538422011614961, 0.004777257510945511, -0.0010773010853084796),
    DB7(0.07785205408500918, 0.3965393194819173, 0.7291320908462351, 0.4697822874051931, -0.14390600392856498,
            -0.22403618499387498, 0.07130921926683026, 0.08061260915108308, -0.03802993693501441,
            -0.01657454163066688, 0.01255099855609984, 0.0004295779729213665, -0.0018016407040474908,
            0.00035371379997452024),
    DB8(0.05441584224310401, 0.31287159091429995, 0.6756307362972898, 0.5853546836542067, -0.015829105256349306,
            -0.2840155429615469, 0.0004724845739132828, 0.12874742662047847, -0.017369301001807547,
            -0.044088253930794755, 0.013981027917398282, 0.008746094047405777, -0.004870352993451574,
            -0.00039174037337694705, 0.0006754494064505693, -0.00011747678412476953);

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
