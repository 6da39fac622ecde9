package keyshield.nn;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float32 GELU kernel against the float64 route (ND4J's erf and exp, itself checked against a Taylor
 * series and the timm goldens): every result within half an ulp of the exact value plus the fit's bound,
 * 8e-9·|x| forward and 2e-9·|g| backward — a bound ND4J's own float erf (up to 0.9·|x|·2⁻²³ ≈ 1.1e-7·|x|)
 * would fail.
 */
class GeluFloat32Test {
    private static final double FWD = 8e-9, BWD = 2e-9;

    /** Every 331st float in [−9, 9] (3.4 million each sign, spanning both clamps) and gradients of mixed scale. */
    @Test
    void denseSweepIsWithinHalfAnUlpPlusTheFitBound() {
        int top = Float.floatToIntBits(9f), stride = 331, half = top / stride + 1;
        float[] xs = new float[2 * half];
        for (int k = 0; k < half; k++) {
            xs[2 * k] = Float.intBitsToFloat(k * stride);
            xs[2 * k + 1] = -xs[2 * k];
        }
        INDArray x = Nd4j.createFromArray(xs);                                            // (N)
        INDArray g = random(7, x.length()).muli(4).castTo(DataType.FLOAT);                 // (N) in [−4, 4)
        assertWithinBound(x, g);
    }

    /**
     * Views (an offset row band, a transpose) and sizes on both sides of the parallel threshold give the
     * same bound as contiguous arrays: the kernel reads the right elements and writes every one of them.
     */
    @Property(tries = 12)
    void viewsAndSizes(@ForAll @IntRange(min = 1, max = 70) int rows, @ForAll @IntRange(min = 1, max = 3000) int cols,
                       @ForAll boolean transpose, @ForAll long seed) {
        INDArray big = random(seed, -9.0, 9.0, rows + 2, cols).castTo(DataType.FLOAT);            // (rows + 2, cols)
        INDArray x = big.get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.all());        // (rows, cols), offset
        if (transpose) x = x.transpose();                                                    // (cols, rows), strided
        INDArray g = random(seed + 1, x.shape()).castTo(DataType.FLOAT);
        assertWithinBound(x, g);
    }

    @Test
    void nanPropagatesAndInfinitySaturates() {
        INDArray y = GeluFloat32.forward(Nd4j.createFromArray(Float.NaN, Float.POSITIVE_INFINITY, 0f));
        assertThat(y.getFloat(0)).isNaN();
        assertThat(y.getFloat(1)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y.getFloat(2)).isZero();
    }

    @Test
    void mismatchedGradientShapeIsRejected() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GeluFloat32.backward(x, Nd4j.zeros(DataType.FLOAT, 3, 2)))
                .hasMessageContaining("[3, 2]").hasMessageContaining("[2, 3]");
    }

    /** Half the float32 spacing at the exact value: the error of correct rounding (subnormals included). */
    private static double halfUlp(double exact) { return Math.ulp((float) exact) / 2.0; }

    /** Forward and backward of {@link Gelu.Fn} on float32 against the same on float64. */
    private static void assertWithinBound(INDArray x, INDArray g) {
        Gelu.Fn f32 = new Gelu.Fn(), f64 = new Gelu.Fn();
        INDArray y = f32.forward(x), dx = f32.backward(g)[0];
        INDArray xd = x.castTo(DataType.DOUBLE), gd = g.castTo(DataType.DOUBLE);
        INDArray yRef = f64.forward(xd), dxRef = f64.backward(gd)[0];
        assertThat(y.shape()).isEqualTo(x.shape());
        assertThat(dx.shape()).isEqualTo(x.shape());
        double[] xv = xd.dup('c').data().asDouble(), gv = gd.dup('c').data().asDouble();
        double[] yv = y.castTo(DataType.DOUBLE).dup('c').data().asDouble(), yr = yRef.dup('c').data().asDouble();
        double[] dv = dx.castTo(DataType.DOUBLE).dup('c').data().asDouble(), dr = dxRef.dup('c').data().asDouble();
        for (int i = 0; i < xv.length; i++) {
            double fwdErr = Math.abs(yv[i] - yr[i]), bwdErr = Math.abs(dv[i] - dr[i]);
            if (fwdErr > halfUlp(yr[i]) + FWD * Math.abs(xv[i]))
                throw new AssertionError("gelu(" + xv[i] + ") = " + yv[i] + ", float64 " + yr[i] + ": error " + fwdErr);
            if (bwdErr > halfUlp(dr[i]) + BWD * Math.abs(gv[i]))
                throw new AssertionError("gelu'(" + xv[i] + ")·" + gv[i] + " = " + dv[i] + ", float64 " + dr[i] + ": error " + bwdErr);
        }
    }
}
