package keyshield.attacks;

import java.util.Objects;

/**
 * The paper's threat models, as which classifier adversarial examples are crafted on and which one they
 * are evaluated on. Whether the attacker knows the key is decided by whoever builds the classifiers.
 */
public sealed interface Protocol {

    /** The classifier the attack differentiates through (or queries). */
    Classifier crafting();

    /** The defended classifier the examples are evaluated on. */
    Classifier target();

    /** A short name for reports. */
    String name();

    /** White-box: the attacker differentiates through the defended model, key included. */
    record WhiteBox(Classifier target) implements Protocol {
        public WhiteBox { Objects.requireNonNull(target, "white-box: target"); }
        @Override public Classifier crafting() { return target; }
        @Override public String name() { return "white-box"; }
    }

    /** Non-adaptive: examples made on a source model (e.g. the plain pre-trained model), evaluated on the target. */
    record NonAdaptive(Classifier source, Classifier target) implements Protocol {
        public NonAdaptive {
            Objects.requireNonNull(source, "non-adaptive: source");
            Objects.requireNonNull(target, "non-adaptive: target");
        }
        @Override public Classifier crafting() { return source; }
        @Override public String name() { return "non-adaptive"; }
    }

    /** Adaptive: the attacker fine-tunes a substitute with a guessed key and attacks it; evaluated on the target. */
    record Adaptive(Classifier substitute, Classifier target) implements Protocol {
        public Adaptive {
            Objects.requireNonNull(substitute, "adaptive: substitute");
            Objects.requireNonNull(target, "adaptive: target");
        }
        @Override public Classifier crafting() { return substitute; }
        @Override public String name() { return "adaptive"; }
    }
}
