package keyshield.attacks;

/**
 * Projected gradient descent on the cross-entropy (Madry et al. 2018; without random start it is BIM,
 * Kurakin et al. 2017). Each step: x ← Π_{B_ε(x0) ∩ [0,1]}(x + α·d), d the norm's steepest-ascent
 * direction of the loss gradient.
 *
 * @param steps       number of gradient steps (≥ 1)
 * @param stepSize    α, in the units of the norm (e.g. 2/255 for ℓ∞)
 * @param randomStart start from a uniform point of the ε-ball instead of x itself
 * @param reduction   how per-sample losses are combined (SUM in the golden convention)
 * @param targeting   untargeted, or towards a target class (then the loss is minimised for the target)
 */
public record PgdSpec(int steps, double stepSize, boolean randomStart, LossReduction reduction, Targeting targeting)
        implements AttackSpec {
    public PgdSpec {
        if (steps < 1) throw new IllegalArgumentException("pgd: steps must be >= 1 but is " + steps);
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) throw new IllegalArgumentException("pgd: stepSize must be finite and > 0 but is " + stepSize);
        if (reduction == null) throw new IllegalArgumentException("pgd: reduction is null");
        if (targeting == null) throw new IllegalArgumentException("pgd: targeting is null");
    }

    /** The golden convention: 10 steps of 2/255 from x itself, summed cross-entropy (use with ℓ∞ ε = 8/255). */
    public static PgdSpec golden() { return new PgdSpec(10, 2.0 / 255, false, LossReduction.SUM, Targeting.UNTARGETED); }

    /** Madry et al.'s CIFAR-10 evaluation: random start, {@code steps} steps of α (e.g. 20 × 2/255). */
    public static PgdSpec madry(int steps, double stepSize) {
        return new PgdSpec(steps, stepSize, true, LossReduction.SUM, Targeting.UNTARGETED);
    }

    @Override public Attack build() { return new Pgd(this); }
}
