package keyshield.nn;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

/**
 * GELU and its derivative for float32 arrays in one pass each, with rational approximations evaluated in
 * double and rounded once to float. The ND4J route (scale, erf, add, multiply; square, exp, multiply, add,
 * multiply) makes five and seven passes over an activation that in a ViT MLP is the largest array of the
 * step, and erf/exp dominate: this kernel is about three times faster and rounds better (half an ulp of
 * the result plus at most 8e-9·|x|, where ND4J's float erf loses up to 0.9·|x|·2⁻²³).
 *
 * <p>Both functions are odd parts around ½ and are fitted as x times a rational function of v = x²/c:
 * <pre>
 *   Φ(x)        = ½ + x·P(v)/Q(v),   v = x²/32,     |x| clamped to √32 (Φ(−√32) = 7.7e-9), |error| ≤ 7.9e-12
 *   Φ(x) + xφ(x) = ½ + x·R(v)/S(v),  v = x²/42.25,  |x| clamped to 6.5 (tail 1.5e-9),         |error| ≤ 2.5e-10
 * </pre>
 * so GELU(x) = x·Φ(x) and ∂GELU/∂x = Φ(x) + x·φ(x) with φ(x) = e^{−x²/2}/√(2π). The coefficients are a
 * weighted least-squares fit with Lawson reweighting ({@code nn/tools/fit_gelu.py}, numpy and scipy);
 * Q and S are ≥ 1 on [0, 1], so there is no pole. The loops run over double[] chunks, a form that HotSpot's
 * C2 vectorizes (a float-to-double conversion inside the same loop, or a body past its unrolling limit, stops
 * it), on the common fork-join pool.
 *
 * <p>Shapes: any; the output has the input's shape (and its order, C or F). Strided views are copied first.
 */
final class GeluFloat32 {
    private GeluFloat32() {}

    private static final double XC = Math.sqrt(32), XD = 6.5;
    private static final double
            P0 = 0.39894228035813306, P1 = 1.1672716541691637, P2 = 5.347868473826808, P3 = 7.603394990416318,
            P4 = 12.349477417828682, P5 = 8.843687970414928, P6 = 4.6197323248418485, P7 = 0.27691755288943193,
            Q1 = 8.259249429117418, Q2 = 31.854452158492748, Q3 = 75.03616443005933, Q4 = 117.74437974579237,
            Q5 = 124.17701620587185, Q6 = 81.70544303173897, Q7 = 19.64237422291252;
    private static final double
            R0 = 0.7978845589603855, R1 = -2.1676961300012136, R2 = 27.54239217840893, R3 = -25.562889762024795,
            R4 = 131.26550719102227, R5 = -64.93822757425427, R6 = 128.9714900320364, R7 = -120.36495993596598,
            R8 = -17.790860760063868,
            S1 = 11.366528258718775, S2 = 60.7182821111167, S3 = 199.16959383781412, S4 = 436.01021823597677,
            S5 = 631.2233004746287, S6 = 504.55208732237935, S7 = -15.762474441666374, S8 = -1077.4932205938717;

    /** Elements per task; below {@link #PARALLEL_MIN} elements the work stays on the calling thread. */
    private static final int CHUNK = 16384, PARALLEL_MIN = 4 * CHUNK;

    /** Per-thread buffers: a chunk of x and g as floats, as doubles, and the result. */
    private static final class Scratch {
        final float[] f = new float[CHUNK];
        final double[] x = new double[CHUNK], g = new double[CHUNK], y = new double[CHUNK];
    }
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** GELU(x) = x·Φ(x) for a float32 array. */
    static INDArray forward(INDArray x) { return map(x, null); }

    /** g·(Φ(x) + x·φ(x)), the input gradient of GELU for output gradient g (same shape as x). */
    static INDArray backward(INDArray x, INDArray g) {
        if (!java.util.Arrays.equals(x.shape(), g.shape()))
            throw new IllegalArgumentException("gelu backward: gradient shape " + java.util.Arrays.toString(g.shape())
                    + " differs from input shape " + java.util.Arrays.toString(x.shape()));
        return map(x, g);
    }

    /**
     * Elementwise maps do not care about layout: when x (and g) are dense in the same order, C or F, the
     * buffers are walked linearly and the output gets that order. Anything else is copied to x's order first.
     */
    private static INDArray map(INDArray x, INDArray g) {
        checkFloat(x);
        if (!dense(x)) x = x.dup('c');
        char order = x.ordering();
        if (g != null) {
            checkFloat(g);
            if (!dense(g) || g.ordering() != order) g = g.dup(order);
        }
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), order);
        long n = x.length();
        int chunks = (int) ((n + CHUNK - 1) / CHUNK);
        final INDArray xs = x, gs = g;
        IntStream tasks = IntStream.range(0, chunks);
        (n >= PARALLEL_MIN ? tasks.parallel() : tasks)
                .forEach(c -> chunk(xs, gs, out, (long) c * CHUNK, (int) Math.min(CHUNK, n - (long) c * CHUNK)));
        return out;
    }

    private static void checkFloat(INDArray a) {
        if (a.dataType() != DataType.FLOAT)
            throw new IllegalArgumentException("gelu float32 kernel: expected dtype FLOAT, got " + a.dataType());
    }

    /** True when the elements fill the buffer from the offset on without gaps, in the array's own order. */
    private static boolean dense(INDArray a) {
        return (a.ordering() == 'c' || a.ordering() == 'f') && Shape.hasDefaultStridesForShape(a);
    }

    /** Elements [start, start + len) of x (and g) into out, on one thread. */
    private static void chunk(INDArray x, INDArray g, INDArray out, long start, int len) {
        Scratch s = SCRATCH.get();
        read(x, start, len, s.f, s.x);
        if (g == null) {
            gelu(s.x, s.y, len);
        } else {
            read(g, start, len, s.f, s.g);
            geluGrad(s.x, s.g, s.y, len);
        }
        for (int i = 0; i < len; i++) s.f[i] = (float) s.y[i];
        new FloatPointer(out.data().pointer()).position(out.offset() + start).put(s.f, 0, len);
    }

    private static void read(INDArray a, long start, int len, float[] f, double[] d) {
        new FloatPointer(a.data().pointer()).position(a.offset() + start).get(f, 0, len);
        for (int i = 0; i < len; i++) d[i] = f[i];
    }

    /** y = x·Φ(x), Φ(x) = ½ + x·P(v)/Q(v). */
    private static void gelu(double[] xs, double[] ys, int n) {
        for (int i = 0; i < n; i++) {
            double x0 = xs[i], x = Math.max(-XC, Math.min(XC, x0));
            double v = x * x * (1.0 / 32);
            double p = ((((((P7 * v + P6) * v + P5) * v + P4) * v + P3) * v + P2) * v + P1) * v + P0;
            double q = ((((((Q7 * v + Q6) * v + Q5) * v + Q4) * v + Q3) * v + Q2) * v + Q1) * v + 1.0;
            ys[i] = x0 * (0.5 + x * p / q);
        }
    }

    /**
     * out = g·(Φ(x) + x·φ(x)), Φ + xφ = ½ + x·R(v)/S(v). Two loops, the denominator first into {@code ys}:
     * one loop with both degree-8 polynomials exceeds C2's unrolling limit and then runs scalar, 5× slower.
     */
    private static void geluGrad(double[] xs, double[] gs, double[] ys, int n) {
        for (int i = 0; i < n; i++) {
            double x = Math.max(-XD, Math.min(XD, xs[i]));
            double v = x * x * (1.0 / 42.25);
            ys[i] = (((((((S8 * v + S7) * v + S6) * v + S5) * v + S4) * v + S3) * v + S2) * v + S1) * v + 1.0;
        }
        for (int i = 0; i < n; i++) {
            double x = Math.max(-XD, Math.min(XD, xs[i]));
            double v = x * x * (1.0 / 42.25);
            double p = (((((((R8 * v + R7) * v + R6) * v + R5) * v + R4) * v + R3) * v + R2) * v + R1) * v + R0;
            ys[i] = gs[i] * (0.5 + x * p / ys[i]);
        }
    }
}
