package keyshield.nn;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout (Srivastava et al. 2014): in training mode each element is kept with probability
 * 1 − p and scaled by 1/(1 − p), so eval mode is the identity. Masks come from the module's own
 * generator, split off the one passed in, so runs repeat exactly.
 */
public class Dropout extends Module implements RandomDraws {
    public final double p;
    private final Rng rng;
    private long calls;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1) but is " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override public long draws() { return calls; }

    @Override public void rewind(long draws) {
        if (draws < 0) throw new IllegalArgumentException("Dropout: draw counter must be ≥ 0 but is " + draws);
        calls = draws;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!training() || p == 0) return x;
        return x.mul(Tensor.constant(keepMask(rng.split("mask", calls++), p, x.dtype(), x.shape())));
    }

    /** Inverted-dropout mask: each entry 1/(1 − p) with probability 1 − p, else 0. Shared with {@link DropPath}. */
    static INDArray keepMask(Rng rng, double p, org.nd4j.linalg.api.buffer.DataType dtype, long... shape) {
        return rng.uniform(dtype, 0, 1, shape).gt(p).castTo(dtype).muli(1 / (1 - p));
    }
}
