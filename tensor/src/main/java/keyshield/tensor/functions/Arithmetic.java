package keyshield.tensor.functions;

import keyshield.tensor.Broadcast;
import keyshield.tensor.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Elementwise arithmetic with NumPy broadcasting ({@link Broadcast}). Each backward sums the gradient
 * back to its input's shape.
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** z = x + y. ∂z/∂x = 1, ∂z/∂y = 1. */
    public static final class Add extends Function {
        private long[] xShape, yShape;

        @Override protected INDArray forward(INDArray... in) {
            xShape = in[0].shape();
            yShape = in[1].shape();
            Broadcast.shape(name(), xShape, yShape);
            return in[0].add(in[1]);
        }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsInputGrad(0) ? Broadcast.unbroadcast(g, xShape) : null,
                needsInputGrad(1) ? Broadcast.unbroadcast(g, yShape) : null };
        }
    }

    /** z = x − y. ∂z/∂x = 1, ∂z/∂y = −1. */
    public static final class Sub extends Function {
        private long[] xShape, yShape;

        @Override protected INDArray forward(INDArray... in) {
            xShape = in[0].shape();
            yShape = in[1].shape();
            Broadcast.shape(name(), xShape, yShape);
            return in[0].sub(in[1]);
        }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsInputGrad(0) ? Broadcast.unbroadcast(g, xShape) : null,
                needsInputGrad(1) ? Broadcast.unbroadcast(g.neg(), yShape) : null };
        }
    }

    /** z = x ⊙ y. ∂z/∂x = y, ∂z/∂y = x. */
    public static final class Mul extends Function {
        private INDArray x, y;

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            y = in[1];
            Broadcast.shape(name(), x.shape(), y.shape());
            return x.mul(y);
        }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsInputGrad(0) ? Broadcast.unbroadcast(g.mul(y), x.shape()) : null,
                needsInputGrad(1) ? Broadcast.unbroadcast(g.mul(x), y.shape()) : null };
        }
    }

    /** z = x / y. ∂z/∂x = 1/y, ∂z/∂y = −x/y² = −z/y. */
    public static final class Div extends Function {
        private INDArray x, y, z;

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            y = in[1];
            Broadcast.shape(name(), x.shape(), y.shape());
            z = x.div(y);
            return z;
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray gx = g.div(y);                                        // g / y, also a factor of ∂z/∂y
            return new INDArray[] {
                needsInputGrad(0) ? Broadcast.unbroadcast(gx, x.shape()) : null,
                needsInputGrad(1) ? Broadcast.unbroadcast(gx.mul(z).negi(), y.shape()) : null };
        }
    }

    /** z = x + c for a constant c. ∂z/∂x = 1. */
    public static final class AddScalar extends Function {
        private final double c;

        public AddScalar(double c) { this.c = finiteScalar("addScalar", c); }

        @Override protected INDArray forward(INDArray... in) { return in[0].add(c); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; }
    }

    /** z = c·x for a constant c (c = −1 is negation). ∂z/∂x = c. */
    public static final class MulScalar extends Function {
        private final double c;

        public MulScalar(double c) { this.c = finiteScalar("mulScalar", c); }

        @Override public String name() { return c == -1 ? "neg" : "mulScalar"; }

        @Override protected INDArray forward(INDArray... in) { return in[0].mul(c); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(c)}; }
    }

    /**
     * Scalars must be finite: ND4J 1.0.0-M2.1's scalar ops do not propagate a NaN scalar (x · NaN comes
     * out as small finite numbers), so a NaN would silently turn into garbage instead of NaN.
     */
    static double finiteScalar(String op, double c) {
        if (!Double.isFinite(c)) throw new IllegalArgumentException(op + ": the scalar must be finite but is " + c);
        return c;
    }
}
