package keyshield.attacks;

import java.util.Arrays;

/**
 * FAB's projection step: for a point t ∈ [0,1]^D and a hyperplane {z : ⟨w, z⟩ = b}, the smallest
 * perturbation d (in ℓ∞ or ℓ2) with ⟨w, t + d⟩ = b and t + d ∈ [0,1]^D (Croce &amp; Hein 2020, ICML, eq. 3).
 *
 * <p>With c = b − ⟨w, t⟩ and σ = sign(c), the minimiser has the form d_i(λ) = clip(λ·a_i, −t_i, 1 − t_i),
 * λ ≥ 0, with a_i = σ·sign(w_i) for ℓ∞ (every free coordinate moves by the same amount) and
 * a_i = σ·w_i for ℓ2 (the KKT conditions of the box-constrained least-norm problem). The reached value
 * σ·⟨w, d(λ)⟩ is piecewise linear and non-decreasing in λ, with kinks where coordinates hit the box; the
 * kinks are sorted and swept to find the λ that reaches |c| exactly. If the box makes the hyperplane
 * unreachable, every coordinate goes to its bound (the closest the box allows). Coordinates with
 * w_i = 0 do not move.
 */
final class FabProjection {
    private FabProjection() {}

    /** The minimal-norm d for one point; all arrays have length D. */
    static double[] project(Norm norm, double[] t, double[] w, double b) {
        int dim = t.length;
        double c = b;
        for (int i = 0; i < dim; i++) c -= w[i] * t[i];
        double[] d = new double[dim];
        if (c == 0) return d;
        double sigma = Math.signum(c), target = Math.abs(c);
        double[] a = new double[dim], saturation = new double[dim];
        double slope = 0;
        Integer[] order = new Integer[dim];
        int free = 0;
        for (int i = 0; i < dim; i++) {
            a[i] = norm == Norm.LINF ? sigma * Math.signum(w[i]) : sigma * w[i];
            if (a[i] == 0) { saturation[i] = 0; continue; }
            double bound = a[i] > 0 ? 1 - t[i] : -t[i];
            saturation[i] = Math.max(bound / a[i], 0);
            if (saturation[i] > 0) {
                slope += Math.abs(w[i] * a[i]);
                order[free++] = i;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, free);
        Arrays.sort(sorted, (i, j) -> Double.compare(saturation[i], saturation[j]));
        double lambda = 0, reached = 0, solution = Double.POSITIVE_INFINITY;
        for (int k = 0; k < free; k++) {
            int i = sorted[k];
            double next = reached + slope * (saturation[i] - lambda);
            if (next >= target && slope > 0) {
                solution = lambda + (target - reached) / slope;
                break;
            }
            reached = next;
            lambda = saturation[i];
            slope -= Math.abs(w[i] * a[i]);
        }
        for (int i = 0; i < dim; i++) {
            if (a[i] == 0) continue;
            double v = Double.isInfinite(solution) ? (a[i] > 0 ? 1 - t[i] : -t[i]) : solution * a[i];
            d[i] = Math.min(Math.max(v, -t[i]), 1 - t[i]);
        }
        return d;
    }
}
