package keyshield.attacks;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;

import java.util.Collection;
import java.util.Objects;

/**
 * Expectation over Transformation (Athalye et al., ICML 2018) for randomized defenses x ↦ f(t(x)),
 * t ~ T. The wrapper's logits are log E_t[softmax f(t(x))], estimated with n transforms drawn from its
 * generator on every call:
 * <pre>
 *   logits_EOT(x) = log( (1/n) Σ_{i=1..n} softmax(f(t_i(x))) )
 * </pre>
 * so the attack sees the defense's expected prediction, and the input gradient of any loss of these
 * logits is an average of the n per-sample gradients ∇x softmax f(t_i(x)) (weighted by the loss's
 * derivative): gradient averaging over the randomness, one batched forward per draw. Non-differentiable
 * transforms are combined with {@link Bpda} inside {@code transform}.
 */
public final class Eot {
    private Eot() {}

    /** A random, differentiable transform of a batch of images (B, C, H, W), drawing from {@code rng}. */
    @FunctionalInterface
    public interface RandomTransform {
        Tensor apply(Tensor x, Rng rng);
    }

    /**
     * The EOT classifier of {@code f ∘ t} with {@code samples} draws per call. Draw i of call c uses
     * {@code rng.split("eot", c * samples + i)}, so a fixed generator gives a fixed sequence of transforms.
     */
    public static Classifier of(Classifier f, RandomTransform transform, int samples, Rng rng) {
        Objects.requireNonNull(f, "classifier");
        Objects.requireNonNull(transform, "transform");
        Objects.requireNonNull(rng, "rng");
        if (samples < 1) throw new IllegalArgumentException("eot: samples must be >= 1 but is " + samples);
        return new Classifier() {
            private long calls;

            @Override public Tensor logits(Tensor x) {
                long call = calls++;
                Tensor sum = null;
                for (int i = 0; i < samples; i++) {
                    Tensor prob = f.logits(transform.apply(x, rng.split("eot", call * samples + i))).softmax(-1);   // (B, K)
                    sum = sum == null ? prob : sum.add(prob);
                }
                return sum.div(samples).add(1e-30).log();                                                         // (B, K)
            }

            @Override public Collection<Parameter> parameters() { return f.parameters(); }
        };
    }
}
