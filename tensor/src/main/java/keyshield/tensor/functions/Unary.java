package keyshield.tensor.functions;

import keyshield.tensor.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Elementwise functions of one tensor, each with its derivative beside it. */
public final class Unary {
    private Unary() {}

    /** z = eˣ. ∂z/∂x = z. */
    public static final class Exp extends Function {
        private INDArray z;

        @Override protected INDArray forward(INDArray... in) { return z = Transforms.exp(in[0], true); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(z)}; }
    }

    /** z = ln x. ∂z/∂x = 1/x. */
    public static final class Log extends Function {
        private INDArray x;

        @Override protected INDArray forward(INDArray... in) { x = in[0]; return Transforms.log(x, true); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.div(x)}; }
    }

    /** z = √x. ∂z/∂x = 1 / (2z). */
    public static final class Sqrt extends Function {
        private INDArray z;

        @Override protected INDArray forward(INDArray... in) { return z = Transforms.sqrt(in[0], true); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.div(z).muli(0.5)}; }
    }

    /** z = xᵖ for a constant p. ∂z/∂x = p·xᵖ⁻¹. */
    public static final class Pow extends Function {
        private final double p;
        private INDArray x;

        public Pow(double p) { this.p = p; }

        @Override protected INDArray forward(INDArray... in) { x = in[0]; return Transforms.pow(x, p, true); }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {g.mul(Transforms.pow(x, p - 1, true).muli(p))};
        }
    }

    /** z = tanh x. ∂z/∂x = 1 − z². */
    public static final class Tanh extends Function {
        private INDArray z;

        @Override protected INDArray forward(INDArray... in) { return z = Transforms.tanh(in[0], true); }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {g.mul(z.mul(z).rsubi(1))};
        }
    }

    /** z = erf x = (2/√π)∫₀ˣ e^{−t²} dt. ∂z/∂x = (2/√π)·e^{−x²}. */
    public static final class Erf extends Function {
        private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
        private INDArray x;

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            INDArray z = Nd4j.createUninitialized(x.dataType(), x.shape());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(x, z));
            return z;
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray d = Transforms.exp(x.mul(x).negi(), false).muli(TWO_OVER_SQRT_PI);   // (2/√π)·e^{−x²}
            return new INDArray[] {g.mul(d)};
        }
    }

    /** z = max(x, 0). ∂z/∂x = 1 where x > 0, else 0. */
    public static final class Relu extends Function {
        private INDArray x;

        @Override protected INDArray forward(INDArray... in) { x = in[0]; return Transforms.relu(x, true); }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {g.mul(x.gt(0).castTo(g.dataType()))};
        }
    }

    /** z = 1 / (1 + e⁻ˣ). ∂z/∂x = z(1 − z). */
    public static final class Sigmoid extends Function {
        private INDArray z;

        @Override protected INDArray forward(INDArray... in) { return z = Transforms.sigmoid(in[0], true); }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {g.mul(z.rsub(1).muli(z))};
        }
    }

    /** z = |x|. ∂z/∂x = sign(x) (0 at 0). */
    public static final class Abs extends Function {
        private INDArray x;

        @Override protected INDArray forward(INDArray... in) { x = in[0]; return Transforms.abs(x, true); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(Transforms.sign(x, true))}; }
    }

    /** The same values in another dtype; the gradient is cast back to the input's dtype. */
    public static final class Cast extends Function {
        private final DataType to;
        private DataType from;

        public Cast(DataType to) { this.to = to; }

        @Override protected INDArray forward(INDArray... in) { from = in[0].dataType(); return in[0].castTo(to); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.castTo(from)}; }
    }
}
