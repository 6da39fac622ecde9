package keyshield.attacks;

import keyshield.tensor.Parameter;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Backward Pass Differentiable Approximation (Athalye, Carlini &amp; Wagner, ICML 2018): a defense
 * g(x) → f(pre(x)) whose preprocessing pre is not differentiable (quantisation, JPEG, wavelet denoising,
 * a lookup with a secret key) is attacked by using pre on the forward pass and a differentiable
 * approximation h ≈ pre on the backward pass.
 *
 * <p>Both wrappers are written with ordinary tensor ops: out = h(x) + const(pre(x) − h(x)) has the value
 * pre(x) exactly and the gradient of h. With h = identity this is the straight-through estimator
 * (∂pre/∂x ≈ I), the usual choice when pre(x) ≈ x.
 */
public final class Bpda {
    private Bpda() {}

    /** f(pre(x)) with the identity as pre's backward pass. */
    public static Classifier straightThrough(UnaryOperator<INDArray> preprocess, Classifier downstream) {
        return approximate(preprocess, x -> x, downstream);
    }

    /** f(pre(x)) with the gradient of the differentiable {@code approximation} as pre's backward pass. */
    public static Classifier approximate(UnaryOperator<INDArray> preprocess, UnaryOperator<Tensor> approximation, Classifier downstream) {
        Objects.requireNonNull(preprocess, "preprocess");
        Objects.requireNonNull(approximation, "approximation");
        Objects.requireNonNull(downstream, "downstream");
        return new Classifier() {
            @Override public Tensor logits(Tensor x) {
                INDArray exact = preprocess.apply(x.value());
                if (!Arrays.equals(exact.shape(), x.shape()))
                    throw new ShapeException("bpda: preprocessing changed the shape from "
                            + ShapeException.show(x.shape()) + " to " + ShapeException.show(exact.shape()));
                Tensor approx = approximation.apply(x);
                Tensor surrogate = approx.add(Tensor.constant(exact.castTo(approx.dtype()).sub(approx.value())));   // value pre(x), gradient of h
                return downstream.logits(surrogate);
            }

            @Override public Collection<Parameter> parameters() { return downstream.parameters(); }
        };
    }
}
