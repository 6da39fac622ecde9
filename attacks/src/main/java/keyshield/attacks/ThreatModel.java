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

    /**
     * A budget written as a decimal or a fraction, e.g. "0.5" or "8/255" (as on the command line).
     * Anything else is an error quoting the text.
     */
    public static double parseAmount(String text) {
        if (text == null) throw new IllegalArgumentException("budget: no value given");
        String t = text.trim();
        try {
            int slash = t.indexOf('/');
            double v = slash < 0 ? Double.parseDouble(t)
                    : Double.parseDouble(t.substring(0, slash).trim()) / Double.parseDouble(t.substring(slash + 1).trim());
            if (!Double.isFinite(v) || v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("budget: '" + text + "' is not a non-negative number or fraction like 8/255");
        }
    }

    /** The same norm with another budget. */
    public ThreatModel withEps(double newEps) { return new ThreatModel(norm, newEps); }
}
