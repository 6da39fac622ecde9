package keyshield.nn;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;

import java.util.Arrays;

/**
 * Stochastic depth (Huang et al. 2016) as timm's {@code drop_path}: in training mode a whole sample's
 * residual branch is dropped with probability p and kept ones are scaled by 1/(1 − p); one mask value
 * per sample, shape (B, 1, …, 1). Identity in eval mode.
 */
public class DropPath extends Module implements RandomDraws {
    public final double p;
    private final Rng rng;
    private long calls;

    public DropPath(double p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("DropPath: p must be in [0, 1) but is " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override public long draws() { return calls; }

    @Override public void rewind(long draws) {
        if (draws < 0) throw new IllegalArgumentException("DropPath: draw counter must be ≥ 0 but is " + draws);
        calls = draws;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!training() || p == 0) return x;
        long[] maskShape = new long[x.rank()];
        Arrays.fill(maskShape, 1);
        maskShape[0] = x.size(0);                                                      // (B, 1, …, 1)
        return x.mul(Tensor.constant(Dropout.keepMask(rng.split("mask", calls++), p, x.dtype(), maskShape)));
    }
}
