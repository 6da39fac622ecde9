package keyshield.defense.wavelet;

import keyshield.tensor.Arrays64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Invariants of the DWT and the denoiser on random images of random (even and odd) sizes. */
class WaveletProperties {
    static double[][] image(long seed, int rows, int cols) {
        return Planes.of(Arrays64.random(seed, 0.0, 1.0, rows, cols));
    }

    @Property(tries = 60)
    void waverec2InvertsWavedec2(@ForAll Wavelet w, @ForAll BoundaryMode mode, @ForAll @IntRange(min = 1, max = 37) int rows,
                                 @ForAll @IntRange(min = 1, max = 37) int cols, @ForAll @IntRange(min = 1, max = 3) int level,
                                 @ForAll long seed) {
        double[][] x = image(seed, rows, cols);
        double[][] back = Dwt2.waverec2(Dwt2.wavedec2(x, w, mode, level), w, mode);
        assertThat(back.length).isIn(rows, rows + 1);                        // odd sizes come back one larger, as PyWavelets
        assertThat(back[0].length).isIn(cols, cols + 1);
        assertThat(GoldenFile.maxAbsDiff(Dwt2.crop(back, rows, cols), x)).isLessThan(1e-10);
    }

    @Property(tries = 40)
    void periodizationPreservesEnergy(@ForAll Wavelet w, @ForAll @IntRange(min = 1, max = 12) int halfRows,
                                      @ForAll @IntRange(min = 1, max = 12) int halfCols, @ForAll long seed) {
        double[][] x = image(seed, 4 * halfRows, 4 * halfCols);
        Dwt2.Decomposition dec = Dwt2.wavedec2(x, w, BoundaryMode.PERIODIZATION, 2);
        double coefficients = energy(dec.approx());
        for (Dwt2.Details d : dec.details())
            coefficients += energy(d.horizontal()) + energy(d.vertical()) + energy(d.diagonal());
        assertThat(coefficients).isCloseTo(energy(x), within(1e-10 * energy(x)));
    }

    @Property(tries = 30)
    void denoisedImagesStayInTheUnitRange(@ForAll Wavelet w, @ForAll ShrinkMethod method, @ForAll Threshold threshold,
                                          @ForAll @IntRange(min = 2, max = 24) int size, @ForAll @DoubleRange(min = 0, max = 0.5) double sigma,
                                          @ForAll long seed) {
        INDArray x = Arrays64.random(seed, 0.0, 1.0, 2, 3, size, size + 1);
        DenoiseOptions o = new DenoiseOptions(w, method, threshold, java.util.OptionalDouble.of(sigma), java.util.OptionalInt.empty(), true);
        INDArray raw = WaveletDenoise.denoise(x, o);
        INDArray out = new DenoiseTransform(o).apply(x);
        assertThat(out.shape()).isEqualTo(x.shape());
        assertThat(out.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(out.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        double[] r = raw.dup().data().asDouble(), c = out.dup().data().asDouble();
        for (int i = 0; i < r.length; i++) assertThat(c[i]).isEqualTo(Math.min(1.0, Math.max(0.0, r[i])));  // clipping is all it adds
    }

    @Property(tries = 20)
    void thresholdingZeroGivesZero(@ForAll Threshold threshold, @ForAll @DoubleRange(min = 0, max = 10) double t,
                                   @ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 9) int cols) {
        for (double[] row : threshold.apply(new double[rows][cols], t))
            for (double v : row) assertThat(v).isEqualTo(0.0);
    }

    @Property(tries = 12)
    void aZeroImageDenoisesToZero(@ForAll Wavelet w, @ForAll ShrinkMethod method, @ForAll Threshold threshold) {
        INDArray zero = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 1, 3, 16, 16);
        INDArray out = WaveletDenoise.denoise(zero, new DenoiseOptions(w, method, threshold,
                java.util.OptionalDouble.empty(), java.util.OptionalInt.empty(), true));
        assertThat(out.amaxNumber().doubleValue()).isEqualTo(0.0);
    }

    static double energy(double[][] a) {
        double s = 0;
        for (double[] row : a) for (double v : row) s += v * v;
        return s;
    }
}
