package keyshield.attacks;

/**
 * The attacker's budget: perturbations with ‖x_adv − x‖_p ≤ ε, and x_adv ∈ [0,1].
 * For images in [0,1] the usual budgets are ℓ∞ ε = 8/255 and ℓ2 ε = 0.5 (CIFAR-10).
 */
public record ThreatModel(Norm norm, double eps) {
    public ThreatModel {
        if (norm == null) throw new IllegalArgumentException("threat model: norm is null");
        if (!(eps >= 0) || Double.isInfinite(eps))
            throw new IllegalArgumentException("threat model: eps must be finite and >= 0 but is " + eps);
    }

    public static ThreatModel linf(double eps) { return new ThreatModel(Norm.LINF, eps); }

    public static ThreatModel l2(double eps) { return new ThreatModel(Norm.L2, eps); }

    /** The same norm with another budget. */
    public ThreatModel withEps(double newEps) { return new ThreatModel(norm, newEps); }
}
