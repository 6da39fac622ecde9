package keyshield.attacks;

/**
 * Fast Adaptive Boundary attack (Croce &amp; Hein 2020, ICML): a minimum-norm attack that linearises the
 * decision boundary, projects onto it within [0,1] and biases the step back towards the clean point.
 *
 * @param targeted      FAB-T: aim at the top non-true classes in turn (AutoAttack standard) instead of
 *                      the closest linearised boundary
 * @param targetClasses how many target classes (9)
 * @param iterations    iterations per target (100)
 * @param restarts      restarts (1; restarts after the first start from a random point)
 * @param alphaMax      α_max, the largest weight of the step from the clean point (0.1)
 * @param eta           η, the overshoot of the projection step (1.05)
 * @param beta          β, the backward step towards x0 after a success (0.9)
 */
public record FabSpec(boolean targeted, int targetClasses, int iterations, int restarts, double alphaMax, double eta, double beta)
        implements AttackSpec {
    public FabSpec {
        if (targetClasses < 1) throw new IllegalArgumentException("fab: targetClasses must be >= 1 but is " + targetClasses);
        if (iterations < 1) throw new IllegalArgumentException("fab: iterations must be >= 1 but is " + iterations);
        if (restarts < 1) throw new IllegalArgumentException("fab: restarts must be >= 1 but is " + restarts);
        if (!(alphaMax >= 0 && alphaMax <= 1)) throw new IllegalArgumentException("fab: alphaMax must be in [0, 1] but is " + alphaMax);
        if (!(eta >= 1)) throw new IllegalArgumentException("fab: eta must be >= 1 but is " + eta);
        if (!(beta > 0 && beta <= 1)) throw new IllegalArgumentException("fab: beta must be in (0, 1] but is " + beta);
    }

    /** FAB-T as in AutoAttack standard. */
    public static FabSpec targetedStandard() { return new FabSpec(true, 9, 100, 1, 0.1, 1.05, 0.9); }

    /** Untargeted FAB with AutoAttack's settings. */
    public static FabSpec untargeted() { return new FabSpec(false, 9, 100, 1, 0.1, 1.05, 0.9); }

    public FabSpec withIterations(int n) { return new FabSpec(targeted, targetClasses, n, restarts, alphaMax, eta, beta); }

    @Override public Attack build() { return new Fab(this); }
}
