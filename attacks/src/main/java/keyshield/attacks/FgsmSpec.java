package keyshield.attacks;

/**
 * Fast gradient sign method (Goodfellow et al. 2015): x_adv = clip(x + ε·sign(∇x L), 0, 1) for ℓ∞, and
 * x + ε·∇L/‖∇L‖₂ for ℓ2; L is the cross-entropy combined by {@code reduction}.
 */
public record FgsmSpec(LossReduction reduction, Targeting targeting) implements AttackSpec {
    public FgsmSpec {
        if (reduction == null) throw new IllegalArgumentException("fgsm: reduction is null");
        if (targeting == null) throw new IllegalArgumentException("fgsm: targeting is null");
    }

    /** The golden convention: summed cross-entropy, untargeted. */
    public static FgsmSpec standard() { return new FgsmSpec(LossReduction.SUM, Targeting.UNTARGETED); }

    @Override public Attack build() { return new Fgsm(this); }
}
