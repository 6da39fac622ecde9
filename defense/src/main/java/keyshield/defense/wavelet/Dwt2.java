package keyshield.defense.wavelet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The separable 2-D discrete wavelet transform of one image plane (rows × cols), with PyWavelets'
 * conventions for {@code dwt2}, {@code idwt2}, {@code wavedec2} and {@code waverec2} (axes (−2, −1)).
 *
 * <p>One level filters every column (axis 0) with the low- and high-pass analysis filters, then every row
 * (axis 1), giving four sub-bands named by PyWavelets' (axis 0, axis 1) letters:
 * <pre>
 *   cA = aa   approximation                 cH = da   horizontal detail (high-pass down the columns)
 *   cV = ad   vertical detail (across rows)  cD = dd   diagonal detail
 * </pre>
 * each of shape (m(rows), m(cols)) with m = {@link BoundaryMode#coefficientLength}. The multi-level
 * decomposition recurses on cA and lists coefficients as PyWavelets does:
 * {@code [cA_n, (cH_n, cV_n, cD_n), …, (cH_1, cV_1, cD_1)]}, coarsest first.
 *
 * <p>Planes are {@code double[rows][cols]}. The records below hold the arrays they are given (no copies:
 * they are bulk numeric data passed between the steps of one computation); callers must not mutate them.
 */
public final class Dwt2 {
    private Dwt2() {}

    /** One level's detail sub-bands (cH, cV, cD), all of the same shape. */
    public record Details(double[][] horizontal, double[][] vertical, double[][] diagonal) {
        public Details {
            requireSameShape("details", horizontal, vertical, diagonal);
        }
    }

    /** The result of one level: the approximation cA and the details of that level. */
    public record Level(double[][] approx, Details details) {}

    /**
     * A multi-level decomposition: the coarsest approximation cA_n and the details from the coarsest level n
     * (index 0) to the finest level 1 (last), exactly PyWavelets' list order.
     */
    public record Decomposition(double[][] approx, List<Details> details) {
        public Decomposition {
            details = List.copyOf(details);
        }

        /** Number of levels n. */
        public int levels() { return details.size(); }

        /** The details of level {@code level} (1 = finest, n = coarsest), PyWavelets' (cH_level, cV_level, cD_level). */
        public Details level(int level) {
            if (level < 1 || level > levels())
                throw new IllegalArgumentException("level must be in 1.." + levels() + " but is " + level);
            return details.get(levels() - level);
        }
    }

    /** Single-level 2-D DWT: PyWavelets' {@code dwt2(x, wavelet, mode)}. */
    public static Level dwt2(double[][] x, Wavelet w, BoundaryMode mode) {
        int rows = rows(x, "dwt2"), cols = x[0].length;
        int mr = mode.coefficientLength(rows, w.filterLength()), mc = mode.coefficientLength(cols, w.filterLength());
        double[][] lo = new double[mr][cols], hi = new double[mr][cols];    // after filtering the columns
        double[] column = new double[rows], yl = new double[mr], yh = new double[mr];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) column[r] = x[r][c];
            mode.analyze(column, w.lo(), yl);
            mode.analyze(column, w.hi(), yh);
            for (int r = 0; r < mr; r++) { lo[r][c] = yl[r]; hi[r][c] = yh[r]; }
        }
        double[][] aa = new double[mr][mc], ad = new double[mr][mc], da = new double[mr][mc], dd = new double[mr][mc];
        for (int r = 0; r < mr; r++) {
            mode.analyze(lo[r], w.lo(), aa[r]);
            mode.analyze(lo[r], w.hi(), ad[r]);
            mode.analyze(hi[r], w.lo(), da[r]);
            mode.analyze(hi[r], w.hi(), dd[r]);
        }
        return new Level(aa, new Details(da, ad, dd));
    }

    /** Single-level inverse: PyWavelets' {@code idwt2((cA, (cH, cV, cD)), wavelet, mode)}; rows first, then columns. */
    public static double[][] idwt2(double[][] approx, Details d, Wavelet w, BoundaryMode mode) {
        requireSameShape("idwt2 (cA, cH, cV, cD)", approx, d.horizontal(), d.vertical(), d.diagonal());
        int mr = approx.length, mc = approx[0].length, f = w.filterLength();
        int rows = mode.reconstructionLength(mr, f), cols = mode.reconstructionLength(mc, f);
        double[][] a = new double[mr][cols], h = new double[mr][cols];      // after combining along the rows
        for (int r = 0; r < mr; r++) {
            mode.synthesize(approx[r], w.rlo(), a[r]);
            mode.synthesize(d.vertical()[r], w.rhi(), a[r]);
            mode.synthesize(d.horizontal()[r], w.rlo(), h[r]);
            mode.synthesize(d.diagonal()[r], w.rhi(), h[r]);
        }
        double[][] out = new double[rows][cols];
        double[] ca = new double[mr], ch = new double[mr], column = new double[rows];
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < mr; r++) { ca[r] = a[r][c]; ch[r] = h[r][c]; }
            java.util.Arrays.fill(column, 0);
            mode.synthesize(ca, w.rlo(), column);
            mode.synthesize(ch, w.rhi(), column);
            for (int r = 0; r < rows; r++) out[r][c] = column[r];
        }
        return out;
    }

    /**
     * Multi-level decomposition: PyWavelets' {@code wavedec2(x, wavelet, mode, level)}. Like PyWavelets, a
     * level above {@link #dwtMaxLevel} is allowed (every coefficient then feels the boundary); level 0
     * returns the image itself as cA_0.
     */
    public static Decomposition wavedec2(double[][] x, Wavelet w, BoundaryMode mode, int level) {
        rows(x, "wavedec2");
        if (level < 0) throw new IllegalArgumentException("wavedec2: level must be >= 0 but is " + level);
        double[][] a = copy(x);
        List<Details> details = new ArrayList<>();
        for (int l = 0; l < level; l++) {
            Level one = dwt2(a, w, mode);
            details.add(one.details());
            a = one.approx();
        }
        Collections.reverse(details);                                       // coarsest first, as PyWavelets
        return new Decomposition(a, details);
    }

    /**
     * Multi-level reconstruction: PyWavelets' {@code waverec2}. Where a reconstructed approximation is one
     * sample longer than the next level's details (odd sizes), its last row/column is dropped, as
     * PyWavelets does. The result can be one larger than the original odd-sized image; crop it if needed.
     */
    public static double[][] waverec2(Decomposition dec, Wavelet w, BoundaryMode mode) {
        double[][] a = dec.approx();
        for (Details d : dec.details()) {
            int dr = d.horizontal().length, dc = d.horizontal()[0].length;
            int ar = a.length, ac = a[0].length;
            if ((ar != dr && ar != dr + 1) || (ac != dc && ac != dc + 1))
                throw new IllegalArgumentException("waverec2: approximation " + ar + "×" + ac
                        + " does not fit details " + dr + "×" + dc + " (it may exceed them by at most one per axis)");
            a = idwt2(crop(a, dr, dc), d, w, mode);
        }
        return a;
    }

    /**
     * PyWavelets' {@code dwt_max_level}: the deepest level at which the approximation is still at least as long
     * as the filter minus one, ⌊log2(N / (L − 1))⌋, or 0 when N < L − 1.
     */
    public static int dwtMaxLevel(int dataLength, int filterLength) {
        if (filterLength < 2) throw new IllegalArgumentException("dwtMaxLevel: filter length must be >= 2 but is " + filterLength);
        if (dataLength < 1) throw new IllegalArgumentException("dwtMaxLevel: data length must be >= 1 but is " + dataLength);
        if (dataLength < filterLength - 1) return 0;
        int ratio = dataLength / (filterLength - 1);
        return 31 - Integer.numberOfLeadingZeros(ratio);
    }

    /** The first rows × cols of a (a itself when it already has that shape). */
    static double[][] crop(double[][] a, int rows, int cols) {
        if (a.length == rows && a[0].length == cols) return a;
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) out[r] = java.util.Arrays.copyOf(a[r], cols);
        return out;
    }

    static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int r = 0; r < a.length; r++) out[r] = a[r].clone();
        return out;
    }

    private static int rows(double[][] x, String op) {
        if (x == null || x.length == 0 || x[0] == null || x[0].length == 0)
            throw new IllegalArgumentException(op + ": the image must have at least one row and one column");
        requireSameShape(op + " image", x);
        return x.length;
    }

    private static void requireSameShape(String what, double[][]... planes) {
        int rows = planes[0].length, cols = rows == 0 ? 0 : planes[0][0].length;
        for (int i = 0; i < planes.length; i++) {
            if (planes[i].length != rows)
                throw new IllegalArgumentException(what + ": array " + i + " has " + planes[i].length + " rows, expected " + rows);
            for (double[] row : planes[i])
                if (row.length != cols)
                    throw new IllegalArgumentException(what + ": array " + i + " has a row of length " + row.length + ", expected " + cols);
        }
    }
}
