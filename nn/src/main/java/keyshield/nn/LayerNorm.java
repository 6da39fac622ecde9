package keyshield.nn;

import keyshield.tensor.Function;
import keyshield.tensor.Parameter;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import keyshield.tensor.functions.MatMul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalisation over the last axis (Ba et al. 2016): y = γ ⊙ (x − μ)/√(σ² + ε) + β with μ and
 * the biased σ² of each row. ε is configurable (ViT uses 1e-6; ND4J's own layer_norm op has none,
 * hence this fused op). Shapes: x (…, D), {@code weight} γ (D), {@code bias} β (D).
 */
public class LayerNorm extends Module {
    public final int dim;
    public final double eps;
    private final Parameter weight, bias;

    public LayerNorm(int dim, double eps) { this(dim, eps, DataType.FLOAT); }

    public LayerNorm(int dim, double eps, DataType dtype) {
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Init.ones(dtype, dim));
        this.bias = param("bias", Init.zeros(dtype, dim));
    }

    @Override
    public Tensor forward(Tensor x) { return Function.apply(new Fn(eps), x, weight, bias); }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    /**
     * Forward as above with x̂ = (x − μ)·r, r = 1/√(σ² + ε). Backward, per row of length D:
     * ∂L/∂x = r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ; ∂L/∂γ = Σ_rows g ⊙ x̂; ∂L/∂β = Σ_rows g.
     */
    public static final class Fn extends Function {
        private final double eps;
        private INDArray xhat, rstd, gamma;
        private long[] shape;

        public Fn(double eps) { this.eps = eps; }

        @Override public String name() { return "layerNorm"; }

        @Override protected INDArray forward(INDArray... in) {
            INDArray x = in[0];
            gamma = in[1];
            shape = x.shape();
            long d = shape[shape.length - 1];
            ShapeException.requireShape(name(), "weight", new long[] {d}, gamma.shape());
            ShapeException.requireShape(name(), "bias", new long[] {d}, in[2].shape());
            INDArray x2 = x.reshape('c', x.length() / d, d);                         // (rows, D)
            INDArray mu = x2.mean(true, 1);                                            // (rows, 1)
            INDArray centered = x2.subColumnVector(mu);
            INDArray var = centered.mul(centered).mean(true, 1);                       // biased σ², (rows, 1)
            rstd = Transforms.pow(var.addi(eps), -0.5, false);                         // 1/√(σ² + ε)
            xhat = centered.muliColumnVector(rstd);                                    // (rows, D)
            return xhat.mulRowVector(gamma).addiRowVector(in[2]).reshape('c', shape); // (…, D)
        }

        @Override protected INDArray[] backward(INDArray g) {
            long d = shape[shape.length - 1];
            INDArray g2 = g.reshape('c', g.length() / d, d);                            // (rows, D)
            INDArray[] grads = new INDArray[3];
            if (needsInputGrad(0)) {
                INDArray gh = g2.mulRowVector(gamma);                                  // ĝ = g ⊙ γ
                INDArray meanG = gh.mean(true, 1);
                INDArray meanGX = gh.mul(xhat).mean(true, 1);
                grads[0] = gh.subiColumnVector(meanG).subi(xhat.mulColumnVector(meanGX)).muliColumnVector(rstd).reshape('c', shape);
            }
            if (needsInputGrad(1)) grads[1] = MatMul.columnSums(g2.mul(xhat));      // Σ_rows g ⊙ x̂
            if (needsInputGrad(2)) grads[2] = MatMul.columnSums(g2);                // Σ_rows g
            return grads;
        }
    }
}
