package keyshield.attacks;

/**
 * Auto-PGD (Croce &amp; Hein 2020): PGD with momentum α = 0.75 and a step size that starts at 2ε and is
 * halved at checkpoints where progress stalled (ρ = 0.75), restarting from the best point.
 *
 * @param loss          CE (untargeted cross-entropy) or TARGETED_DLR (APGD-T)
 * @param iterations    iterations per run (100 in AutoAttack)
 * @param restarts      random restarts per run (1 in AutoAttack standard)
 * @param targetClasses for TARGETED_DLR: how many of the top non-true classes to target in turn (9)
 * @param rho           the fraction of successful steps below which a checkpoint halves the step (0.75)
 */
public record ApgdSpec(Loss loss, int iterations, int restarts, int targetClasses, double rho) implements AttackSpec {

    /** The objective APGD maximises. */
    public enum Loss { CE, TARGETED_DLR }

    public ApgdSpec {
        if (loss == null) throw new IllegalArgumentException("apgd: loss is null");
        if (iterations < 1) throw new IllegalArgumentException("apgd: iterations must be >= 1 but is " + iterations);
        if (restarts < 1) throw new IllegalArgumentException("apgd: restarts must be >= 1 but is " + restarts);
        if (targetClasses < 1) throw new IllegalArgumentException("apgd: targetClasses must be >= 1 but is " + targetClasses);
        if (!(rho > 0 && rho <= 1)) throw new IllegalArgumentException("apgd: rho must be in (0, 1] but is " + rho);
    }

    /** APGD-CE as in AutoAttack standard: 100 iterations, 1 restart, ρ = 0.75. */
    public static ApgdSpec ce() { return new ApgdSpec(Loss.CE, 100, 1, 9, 0.75); }

    /** APGD-T as in AutoAttack standard: targeted DLR, 9 targets, 100 iterations each. */
    public static ApgdSpec targeted() { return new ApgdSpec(Loss.TARGETED_DLR, 100, 1, 9, 0.75); }

    public ApgdSpec withIterations(int n) { return new ApgdSpec(loss, n, restarts, targetClasses, rho); }

    @Override public Attack build() { return new Apgd(this); }
}
