package keyshield.tensor;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;

/**
 * The only source of randomness: an explicitly seeded Apache Commons RNG generator
 * ({@link RandomSource#XO_RO_SHI_RO_128_PP}) with named, order-independent children.
 *
 * <p>{@code split("init")} derives a child from this generator's seed and the label alone (a SplitMix64
 * mix of the seed and the label's bytes), never from how many numbers were drawn, so adding a draw in one
 * component does not change the numbers of another:
 * <pre>{@code
 * Rng root = Rng.seeded(experiment.seed());
 * var model = new VisionTransformer(cfg, root.split("init"));
 * var loader = new Batches(data, root.split("shuffle"));
 * }</pre>
 */
public final class Rng {
    private final long seed;
    private final UniformRandomProvider source;

    private Rng(long seed) {
        this.seed = seed;
        this.source = RandomSource.XO_RO_SHI_RO_128_PP.create(new long[] {mix(seed), mix(seed ^ 0x9E3779B97F4A7C15L)});
    }

    /** A generator determined by {@code seed}. */
    public static Rng seeded(long seed) { return new Rng(seed); }

    /** The seed this generator was made from (for provenance in results). */
    public long seed() { return seed; }

    /** A child generator determined by this generator's seed and {@code label} only. */
    public Rng split(String label) {
        long h = seed;
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xFF));
        return new Rng(mix(h ^ label.length()));
    }

    /** A child for index {@code i} (e.g. one per layer or per epoch). */
    public Rng split(String label, long i) { return split(label + "#" + i); }

    /** The underlying Commons RNG provider, for samplers. */
    public UniformRandomProvider provider() { return source; }

    public long nextLong() { return source.nextLong(); }

    public int nextInt(int bound) { return source.nextInt(bound); }

    public double nextDouble() { return source.nextDouble(); }

    /** Uniform values in [lo, hi). */
    public INDArray uniform(DataType dtype, double lo, double hi, long... shape) {
        double[] v = new double[checkedLength(shape)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * source.nextDouble();
        return Nd4j.create(v, shape, dtype);
    }

    /** Normal values N(mean, std²). */
    public INDArray normal(DataType dtype, double mean, double std, long... shape) {
        ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(source);
        double[] v = new double[checkedLength(shape)];
        for (int i = 0; i < v.length; i++) v[i] = mean + std * g.sample();
        return Nd4j.create(v, shape, dtype);
    }

    /**
     * Normal values N(mean, std²) redrawn until they fall in [a, b], as timm's {@code trunc_normal_}
     * (whose bounds are absolute: ViT uses std 0.02 within [−2, 2], which almost never truncates).
     */
    public INDArray truncatedNormal(DataType dtype, double mean, double std, double a, double b, long... shape) {
        ZigguratSampler.NormalizedGaussian g = ZigguratSampler.NormalizedGaussian.of(source);
        double[] v = new double[checkedLength(shape)];
        for (int i = 0; i < v.length; i++) {
            double x;
            do { x = mean + std * g.sample(); } while (x < a || x > b);
            v[i] = x;
        }
        return Nd4j.create(v, shape, dtype);
    }

    /** A uniformly random permutation of {0, …, n−1} (Fisher–Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = source.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    private static int checkedLength(long... shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) throw new ShapeException("random: negative size in shape " + ShapeException.show(shape));
            n = Math.multiplyExact(n, s);
        }
        if (n > Integer.MAX_VALUE - 8) throw new ShapeException("random: shape " + ShapeException.show(shape) + " has too many elements");
        return (int) n;
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
