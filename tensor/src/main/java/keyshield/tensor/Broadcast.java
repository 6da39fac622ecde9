package keyshield.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * The one home of broadcasting rules. Two shapes broadcast as in NumPy: align them at the right; each
 * pair of sizes must be equal or contain a 1, and the result takes the larger size. Anything else is a
 * {@link ShapeException}: no silent broadcasting the math does not define.
 *
 * <p>Backward of a broadcast is a sum: {@link #unbroadcast} folds a gradient of the broadcast shape back
 * to an input's shape by summing over the axes the input was stretched along.
 */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast result shape of {@code a} and {@code b}, or a {@link ShapeException} naming {@code op}. */
    public static long[] shape(String op, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (x != y && x != 1 && y != 1)
                throw new ShapeException(op + ": shapes " + ShapeException.show(a) + " and " + ShapeException.show(b)
                        + " do not broadcast (axis " + i + ": " + x + " vs " + y + ")");
            out[i] = Math.max(x, y);
        }
        return out;
    }

    /**
     * Sums {@code grad} (shape = broadcast shape) down to {@code shape}: over the leading axes {@code shape}
     * lacks and over the axes where {@code shape} has size 1. Returns {@code grad} itself when nothing to do.
     */
    public static INDArray unbroadcast(INDArray grad, long[] shape) {
        long[] g = grad.shape();
        if (java.util.Arrays.equals(g, shape)) return grad;
        int lead = g.length - shape.length;
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < g.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && g[i] != 1)) axes.add(i);
        }
        INDArray summed = axes.isEmpty() ? grad : grad.sum(true, axes.stream().mapToInt(Integer::intValue).toArray());
        return summed.reshape(shape);                                        // (shape)
    }
}
