package keyshield.tensor.functions;

import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax and its relatives along one axis, computed stably by subtracting the maximum first
 * (softmax(x) = softmax(x − c) for any constant c along the axis).
 */
public final class Softmax {
    private Softmax() {}

    /** s = exp(x − max) / Σ exp(x − max), along the axis, with keepDims. */
    static INDArray softmax(INDArray x, int axis) {
        INDArray e = Transforms.exp(x.sub(x.max(true, axis)), false);
        return e.divi(e.sum(true, axis));
    }

    /** s_i = e^{x_i} / Σ_j e^{x_j}. ∂L/∂x = s ⊙ (g − Σ_j g_j s_j). */
    public static final class Soft extends Function {
        private final int axisArg;
        private int axis;
        private INDArray s;

        public Soft(int axis) { this.axisArg = axis; }

        @Override public String name() { return "softmax"; }

        @Override protected INDArray forward(INDArray... in) {
            axis = ShapeException.axis(name(), axisArg, in[0].rank());
            return s = softmax(in[0], axis);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray dot = g.mul(s).sum(true, axis);                                       // Σ_j g_j s_j, kept axis
            return new INDArray[] {g.sub(dot).muli(s)};
        }
    }

    /** z_i = x_i − log Σ_j e^{x_j}. ∂L/∂x = g − softmax(x) · Σ_j g_j. */
    public static final class LogSoft extends Function {
        private final int axisArg;
        private int axis;
        private INDArray z;

        public LogSoft(int axis) { this.axisArg = axis; }

        @Override public String name() { return "logSoftmax"; }

        @Override protected INDArray forward(INDArray... in) {
            INDArray x = in[0];
            axis = ShapeException.axis(name(), axisArg, x.rank());
            INDArray shifted = x.sub(x.max(true, axis));
            INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, axis), false);
            return z = shifted.subi(lse);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray s = Transforms.exp(z, true);                                          // softmax(x)
            return new INDArray[] {g.sub(s.muli(g.sum(true, axis)))};
        }
    }

    /** y = log Σ_j e^{x_j} = m + log Σ_j e^{x_j − m}. ∂y/∂x = softmax(x). */
    public static final class LogSumExp extends Function {
        private final int axisArg;
        private final boolean keepDims;
        private int axis;
        private INDArray x, yKept;

        public LogSumExp(int axis, boolean keepDims) { this.axisArg = axis; this.keepDims = keepDims; }

        @Override public String name() { return "logsumexp"; }

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            axis = ShapeException.axis(name(), axisArg, x.rank());
            INDArray m = x.max(true, axis);
            yKept = Transforms.log(Transforms.exp(x.sub(m), false).sum(true, axis), false).addi(m);
            if (keepDims) return yKept;
            long[] out = new long[x.rank() - 1];
            for (int i = 0, j = 0; i < x.rank(); i++) if (i != axis) out[j++] = x.size(i);
            return yKept.reshape('c', out);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray s = Transforms.exp(x.sub(yKept), false);                              // softmax(x)
            return new INDArray[] {s.muli(g.reshape('c', yKept.shape()))};
        }
    }
}
