package keyshield.defense;

import keyshield.nn.Module;
import keyshield.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * A defended classifier f_K(x) = g(t_K(x)) (eq. 1 of the paper): the keyed transform t_K, then the
 * classifier g that was trained on transformed images. Input: raw images (B, C, H, W) in [0, 1];
 * output: g's logits. Differentiable end to end, so an attacker who holds the key attacks it directly.
 */
public record KeyedClassifier(UnaryOperator<Tensor> classifier, KeyedTransform transform) implements UnaryOperator<Tensor> {
    public KeyedClassifier {
        if (classifier == null || transform == null) throw new NullPointerException("KeyedClassifier: classifier and transform are required");
    }

    /** g = {@code model.forward}. */
    public static KeyedClassifier of(Module model, KeyedTransform transform) { return new KeyedClassifier(model::forward, transform); }

    /** f_K(x) = g(t_K(x)). */
    @Override
    public Tensor apply(Tensor x) { return classifier.apply(transform.apply(x)); }
}
