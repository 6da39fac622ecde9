package keyshield.nn;

import keyshield.tensor.Function;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The exact Gaussian error linear unit (Hendrycks and Gimpel 2016): GELU(x) = x·Φ(x) =
 * ½·x·(1 + erf(x/√2)), as timm's ViT uses (nn.GELU). ND4J's built-in gelu ops are tanh/sigmoid
 * approximations, which would put every logit off the reference by ~1e-4. Float32 arrays go through
 * {@link GeluFloat32}, one pass each way and rounded better than ND4J's float erf; other dtypes
 * (float64 for the golden tests) through ND4J's erf and exp.
 */
public class Gelu extends Module {
    @Override
    public Tensor forward(Tensor x) { return Function.apply(new Fn(), x); }

    /** y = ½x(1 + erf(x/√2)); ∂y/∂x = Φ(x) + x·φ(x) with φ(x) = e^{−x²/2}/√(2π). */
    public static final class Fn extends Function {
        private static final double INV_SQRT2 = 1 / Math.sqrt(2), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
        private INDArray x, cdf;

        @Override public String name() { return "gelu"; }

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            if (x.dataType() == DataType.FLOAT) return GeluFloat32.forward(x);
            INDArray e = Nd4j.createUninitialized(x.dataType(), x.shape());
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(x.mul(INV_SQRT2), e));
            cdf = e.addi(1).muli(0.5);                                                 // Φ(x)
            return x.mul(cdf);
        }

        @Override protected INDArray[] backward(INDArray g) {
            if (x.dataType() == DataType.FLOAT) return new INDArray[] {GeluFloat32.backward(x, g)};
            INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);   // φ(x)
            return new INDArray[] {g.mul(pdf.muli(x).addi(cdf))};
        }
    }
}
