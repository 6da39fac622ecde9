package keyshield.attacks;

/**
 * DeepFool (Moosavi-Dezfooli et al. 2016): iteratively steps to the closest linearised decision boundary
 * among the {@code candidates} highest-scoring classes, then overshoots by (1 + overshoot).
 *
 * @param maxIterations cap on the iterations (50)
 * @param overshoot     0.02 as in the paper
 * @param candidates    how many top classes (including the true one) are considered (10)
 */
public record DeepFoolSpec(int maxIterations, double overshoot, int candidates) implements AttackSpec {
    public DeepFoolSpec {
        if (maxIterations < 1) throw new IllegalArgumentException("deepfool: maxIterations must be >= 1 but is " + maxIterations);
        if (!(overshoot >= 0)) throw new IllegalArgumentException("deepfool: overshoot must be >= 0 but is " + overshoot);
        if (candidates < 2) throw new IllegalArgumentException("deepfool: candidates must be >= 2 but is " + candidates);
    }

    public static DeepFoolSpec standard() { return new DeepFoolSpec(50, 0.02, 10); }

    @Override public Attack build() { return new DeepFool(this); }
}
