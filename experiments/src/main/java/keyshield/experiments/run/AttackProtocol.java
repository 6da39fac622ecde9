package keyshield.experiments.run;

/**
 * The paper's threat models, as the model adversarial examples are crafted on (the examples are always
 * evaluated on the defended target). Whether the attacker knows the key follows from that model.
 */
public enum AttackProtocol {
    /** Crafted on the target itself, key included: the attacker differentiates through f_K. */
    WHITE_BOX("white-box"),
    /** Crafted on a source model, typically the plain pre-trained g(norm(x)), and transferred to the target. */
    NON_ADAPTIVE("non-adaptive"),
    /** Crafted on a substitute the attacker fine-tuned the same way with a guessed key K′ ≠ K, and transferred. */
    ADAPTIVE("adaptive");

    private final String label;

    AttackProtocol(String label) { this.label = label; }

    /** Whether examples are crafted on another model than the target (a source or substitute must be given). */
    public boolean transfers() { return this != WHITE_BOX; }

    /** The name used in tables: "white-box", "non-adaptive", "adaptive". */
    public String label() { return label; }
}
