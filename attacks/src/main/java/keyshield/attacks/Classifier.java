package keyshield.attacks;

import keyshield.tensor.Parameter;
import keyshield.tensor.Tensor;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What an attack sees: the whole defended pipeline as a function of the raw image.
 * {@code logits(x)} takes x (B, C, H, W) with values in [0, 1] and returns logits (B, K); normalization and
 * any secret-key transform happen inside. Samples must be independent (no batch statistics), because
 * attacks read per-sample gradients from one batched backward.
 *
 * <p>Attacks differentiate with respect to x only. Backprop would still accumulate gradients into any
 * trainable {@link Parameter} the pipeline uses, so a classifier declares its parameters
 * ({@link #parameters()}) and {@link Attacks#run} freezes them for the duration of the attack (restoring
 * each one's trainable flag afterwards): their gradients stay untouched. A classifier built from a lambda
 * that captures trainable parameters without declaring them would collect gradients into them: build it
 * with {@link #of(UnaryOperator, Collection)}, or freeze the model yourself.
 */
@FunctionalInterface
public interface Classifier {

    /** Logits (B, K) for raw images x (B, C, H, W) in [0, 1]. */
    Tensor logits(Tensor x);

    /** The parameters to freeze while attacking; none by default. */
    default Collection<Parameter> parameters() { return List.of(); }

    /** A classifier from a forward function and the parameters it reads (e.g. {@code model.parameters()}). */
    static Classifier of(UnaryOperator<Tensor> forward, Collection<Parameter> parameters) {
        Objects.requireNonNull(forward, "forward");
        List<Parameter> params = List.copyOf(parameters);
        return new Classifier() {
            @Override public Tensor logits(Tensor x) { return forward.apply(x); }
            @Override public Collection<Parameter> parameters() { return params; }
        };
    }
}
