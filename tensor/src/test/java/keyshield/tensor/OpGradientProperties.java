package keyshield.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.Function;

import static keyshield.tensor.Arrays64.awayFromZero;
import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every differentiable op passes a float64 central-difference check (relative error ≤ 1e-6) over random
 * shapes and values; broadcasting pairs included.
 */
class OpGradientProperties {
    private static final double TOLERANCE = 1e-6;

    private static void assertGradients(Function<Tensor[], Tensor> f, INDArray... inputs) {
        GradCheck.Result r = GradCheck.check(f, inputs);
        assertThat(r.max()).as("largest relative gradient error of %s", java.util.Arrays.toString(r.relativeErrors())).isLessThanOrEqualTo(TOLERANCE);
    }

    // ------------------------------------------------------------ binary, with broadcasting

    /** x of shape (a, b, c); y of that shape with some axes set to 1 or dropped, chosen by {@code pattern}. */
    private static long[] broadcastPartner(long[] x, int pattern) {
        int drop = pattern % 3 == 2 ? 1 : 0;                      // drop the leading axis
        long[] y = new long[x.length - drop];
        for (int i = 0; i < y.length; i++) y[i] = ((pattern >> (i + 2)) & 1) == 1 ? 1 : x[i + drop];
        return y;
    }

    @Property(tries = 30)
    void add(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 3) int b,
             @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 0, max = 63) int pattern, @ForAll long seed) {
        long[] xs = {a, b, c};
        boolean swap = (pattern & 1) == 1;                        // broadcast on the left or on the right
        INDArray x = random(seed, xs), y = random(seed + 1, broadcastPartner(xs, pattern));
        assertGradients(t -> t[0].add(t[1]), swap ? y : x, swap ? x : y);
    }

    @Property(tries = 30)
    void sub(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 3) int b,
             @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 0, max = 63) int pattern, @ForAll long seed) {
        long[] xs = {a, b, c};
        boolean swap = (pattern & 1) == 1;
        INDArray x = random(seed, xs), y = random(seed + 1, broadcastPartner(xs, pattern));
        assertGradients(t -> t[0].sub(t[1]), swap ? y : x, swap ? x : y);
    }

    @Property(tries = 30)
    void mul(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 3) int b,
             @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 0, max = 63) int pattern, @ForAll long seed) {
        long[] xs = {a, b, c};
        boolean swap = (pattern & 1) == 1;
        INDArray x = random(seed, xs), y = random(seed + 1, broadcastPartner(xs, pattern));
        assertGradients(t -> t[0].mul(t[1]), swap ? y : x, swap ? x : y);
    }

    @Property(tries = 30)
    void div(@ForAll @IntRange(min = 1, max = 4) int a, @ForAll @IntRange(min = 1, max = 3) int b,
             @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 0, max = 63) int pattern, @ForAll long seed) {
        long[] xs = {a, b, c};
        boolean swap = (pattern & 1) == 1;
        INDArray x = random(seed, xs), y = random(seed + 1, 0.5, 2, broadcastPartner(xs, pattern));
        assertGradients(t -> t[0].div(t[1]), swap ? random(seed, 0.5, 2, y.shape()) : x, swap ? x.add(3) : y);
    }

    @Property(tries = 15)
    void scalarArithmetic(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 4) int m, @ForAll long seed) {
        assertGradients(t -> t[0].neg(), random(seed, n, m));
        assertGradients(t -> t[0].add(1.5).mul(-2.5).sub(0.25).div(3), random(seed, n, m));
    }

    // ------------------------------------------------------------ unary

    @Property(tries = 15)
    void unary(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 4) int m, @ForAll long seed) {
        INDArray x = random(seed, n, m), positive = random(seed, 0.2, 2, n, m), kinkFree = awayFromZero(seed, n, m);
        assertGradients(t -> t[0].exp(), x);
        assertGradients(t -> t[0].log(), positive);
        assertGradients(t -> t[0].sqrt(), positive);
        assertGradients(t -> t[0].pow(3), x);
        assertGradients(t -> t[0].pow(-1.5), positive);
        assertGradients(t -> t[0].tanh(), x.mul(2));
        assertGradients(t -> t[0].erf(), x.mul(2));
        assertGradients(t -> t[0].sigmoid(), x.mul(3));
        assertGradients(t -> t[0].relu(), kinkFree);
        assertGradients(t -> t[0].abs(), kinkFree);
    }

    // ------------------------------------------------------------ matrix products

    @Property(tries = 20)
    void matmul2d(@ForAll @IntRange(min = 1, max = 5) int n, @ForAll @IntRange(min = 1, max = 5) int k,
                  @ForAll @IntRange(min = 1, max = 5) int m, @ForAll long seed) {
        assertGradients(t -> t[0].matmul(t[1]), random(seed, n, k), random(seed + 1, k, m));
    }

    @Property(tries = 20)
    void matmulBatched(@ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 1, max = 2) int h,
                       @ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 1, max = 4) int k,
                       @ForAll @IntRange(min = 1, max = 4) int m, @ForAll long seed) {
        assertGradients(t -> t[0].matmul(t[1]), random(seed, b, n, k), random(seed + 1, b, k, m));
        assertGradients(t -> t[0].matmul(t[1]), random(seed, b, h, n, k), random(seed + 1, b, h, k, m));
        assertGradients(t -> t[0].matmul(t[1]), random(seed, b, h, n, k), random(seed + 1, k, m));
    }

    @Property(tries = 20)
    void linear(@ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 1, max = 4) int n,
                @ForAll @IntRange(min = 1, max = 5) int in, @ForAll @IntRange(min = 1, max = 5) int out, @ForAll long seed) {
        assertGradients(t -> t[0].linear(t[1], t[2]), random(seed, b, n, in), random(seed + 1, out, in), random(seed + 2, out));
        assertGradients(t -> t[0].linear(t[1], null), random(seed, n, in), random(seed + 1, out, in));
    }

    // ------------------------------------------------------------ movement

    @Property(tries = 20)
    void movement(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 2, max = 4) int b,
                  @ForAll @IntRange(min = 1, max = 3) int c, @ForAll long seed) {
        INDArray x = random(seed, a, b, c);
        assertGradients(t -> t[0].reshape(c, -1), x);
        assertGradients(t -> t[0].permute(2, 0, 1), x);
        assertGradients(t -> t[0].transpose(0, -1), x);
        assertGradients(t -> t[0].slice(1, 1, b), x);
        assertGradients(t -> t[0].select(1, b - 1), x);
        assertGradients(t -> t[0].gather(1, 0, b - 1, 0), x);
        assertGradients(t -> t[0].broadcastTo(2, a, b, c), x);
        assertGradients(t -> t[0].slice(1, 0, 1).broadcastTo(a, 3, c), x);
        assertGradients(t -> Tensor.concat(1, t[0], t[1], t[0]), x, random(seed + 1, a, 2, c));
        // a chain of views: permute then reshape copies, then slice
        assertGradients(t -> t[0].permute(1, 0, 2).reshape(b, a * c).slice(0, 1, b), x);
    }

    @Property(tries = 20)
    void pick(@ForAll @IntRange(min = 1, max = 5) int b, @ForAll @IntRange(min = 2, max = 6) int c, @ForAll long seed) {
        int[] labels = new int[b];
        Rng rng = Rng.seeded(seed);
        for (int i = 0; i < b; i++) labels[i] = rng.nextInt(c);
        assertGradients(t -> t[0].pick(labels), random(seed, b, c));
    }

    // ------------------------------------------------------------ reductions and softmax

    @Property(tries = 20)
    void reductions(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 4) int b,
                    @ForAll @IntRange(min = 1, max = 3) int c, @ForAll boolean keepDims, @ForAll long seed) {
        INDArray x = random(seed, a, b, c);
        assertGradients(t -> t[0].sum(), x);
        assertGradients(t -> t[0].mean(), x);
        assertGradients(t -> t[0].sum(keepDims, 1), x);
        assertGradients(t -> t[0].sum(keepDims, 0, 2), x);
        assertGradients(t -> t[0].mean(keepDims, -1), x);
        assertGradients(t -> t[0].mean(keepDims, 0, 1), x);
        INDArray distinct = Rng.seeded(seed).uniform(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 0, 1, a, b, c)
                .addi(org.nd4j.linalg.factory.Nd4j.linspace(0, a * b * c - 1, a * b * c, org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(a, b, c).muli(3));
        assertGradients(t -> t[0].max(keepDims, 1), distinct);
        assertGradients(t -> t[0].max(keepDims, 0, 2), distinct);
    }

    @Property(tries = 20)
    void softmaxFamily(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 5) int b,
                       @ForAll @IntRange(min = 0, max = 1) int axis, @ForAll boolean keepDims, @ForAll long seed) {
        INDArray x = random(seed, a, b).muli(4);
        assertGradients(t -> t[0].softmax(axis), x);
        assertGradients(t -> t[0].logSoftmax(axis), x);
        assertGradients(t -> t[0].logsumexp(axis, keepDims), x);
    }

    // ------------------------------------------------------------ convolution and pooling

    @Property(tries = 15)
    void conv2d(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                @ForAll @IntRange(min = 1, max = 3) int o, @ForAll @IntRange(min = 1, max = 3) int k,
                @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 1) int padding,
                @ForAll boolean bias, @ForAll long seed) {
        int size = k + 3;
        INDArray x = random(seed, n, c, size, size), w = random(seed + 1, o, c, k, k), b = random(seed + 2, o);
        if (bias) assertGradients(t -> t[0].conv2d(t[1], t[2], stride, padding), x, w, b);
        else assertGradients(t -> t[0].conv2d(t[1], null, stride, padding), x, w);
    }

    @Property(tries = 15)
    void pooling(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 2) int c,
                 @ForAll @IntRange(min = 2, max = 3) int k, @ForAll @IntRange(min = 1, max = 2) int stride,
                 @ForAll @IntRange(min = 0, max = 1) int padding, @ForAll long seed) {
        int size = 5;
        INDArray x = random(seed, n, c, size, size);
        assertGradients(t -> t[0].avgPool2d(k, stride, padding), x);
        INDArray distinct = x.addi(org.nd4j.linalg.factory.Nd4j.linspace(0, x.length() - 1, x.length(),
                org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(x.shape()).muli(0.01).mul(3));
        assertGradients(t -> t[0].maxPool2d(k, stride, padding), distinct);
    }

    @Property(tries = 10)
    void cast(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        // float32 round trip: the gradient of a cast is a cast back, exact for the identity chain
        assertGradients(t -> t[0].castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(2), random(seed, n, 3));
    }
}
