package keyshield.defense;

import keyshield.nn.Module;
import keyshield.tensor.GradMode;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A key-controlled image transform t_K of a defended classifier f_K(x) = g(t_K(x)) (eq. 1 of the
 * paper). Images are (B, C, H, W) in [0, 1]; the output has the same shape. Transforms are
 * differentiable (adaptive attacks backpropagate through them) and invertible.
 *
 * <pre>{@code
 * KeyedTransform t = new BlockShuffle(key).andThen(new NegPosTransform(key));
 * Module pipeline = new Sequential(t.asModule(), vit);       // f_K
 * }</pre>
 */
public interface KeyedTransform {
    /** t_K(x), recorded for backward when x requires a gradient. */
    Tensor apply(Tensor x);

    /** t_K⁻¹(y), so that inverse(apply(x)) = x. */
    Tensor inverse(Tensor y);

    /** A short description for logs, naming the key only by its fingerprint. */
    String describe();

    /** t_K(x) of plain arrays, without recording a graph. */
    default INDArray apply(INDArray x) {
        try (var off = GradMode.off()) { return apply(Tensor.constant(x)).value(); }
    }

    /** t_K⁻¹(y) of plain arrays, without recording a graph. */
    default INDArray inverse(INDArray y) {
        try (var off = GradMode.off()) { return inverse(Tensor.constant(y)).value(); }
    }

    /** First this transform, then {@code next}: x ↦ next(this(x)); the inverse undoes them in reverse order. */
    default KeyedTransform andThen(KeyedTransform next) { return new Then(this, next); }

    /** This transform as a parameter-free {@link Module}, for {@code Sequential} pipelines. */
    default Module asModule() {
        KeyedTransform t = this;
        return new Module() {
            @Override public Tensor forward(Tensor x) { return t.apply(x); }
        };
    }

    /** The composition {@code second ∘ first}. */
    record Then(KeyedTransform first, KeyedTransform second) implements KeyedTransform {
        public Then {
            if (first == null || second == null) throw new NullPointerException("andThen: transform is null");
        }

        @Override public Tensor apply(Tensor x) { return second.apply(first.apply(x)); }

        @Override public Tensor inverse(Tensor y) { return first.inverse(second.inverse(y)); }

        @Override public String describe() { return first.describe() + " then " + second.describe(); }
    }
}
