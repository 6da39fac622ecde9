package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The threat model's ℓp norm, with the three things attacks need from it. All methods work on flat rows
 * (B, D), one sample per row, and return new arrays.
 * <ul>
 *   <li>{@link #norms}: ‖δ_i‖_p per row, (B);</li>
 *   <li>{@link #steepestAscent}: the unit-norm direction maximising ⟨g, d⟩, i.e. sign(g) for ℓ∞ and
 *       g/‖g‖₂ for ℓ2 (a row with g = 0 gives d = 0);</li>
 *   <li>{@link #project}: the point of the ε-ball around x0 ∩ [0,1]^D reached by clipping (ℓ∞) or by
 *       radial scaling then clipping (ℓ2). Clipping to [0,1] never increases |δ_j| because x0 ∈ [0,1],
 *       so the result lies in both sets.</li>
 * </ul>
 */
public enum Norm {
    LINF {
        @Override public INDArray norms(INDArray delta) { return Transforms.abs(rows("norms", delta), true).max(1); }

        @Override public INDArray steepestAscent(INDArray g) { return Transforms.sign(rows("steepestAscent", g), true); }

        @Override INDArray projectBall(INDArray x0, INDArray x, double eps) {
            return Transforms.min(Transforms.max(x, x0.sub(eps), true), x0.add(eps), false);
        }

        @Override public INDArray randomInBall(Rng rng, INDArray x0, double eps) {
            return rng.uniform(x0.dataType(), -eps, eps, x0.shape());
        }

        @Override public double dualExponent() { return 1; }
    },
    L2 {
        @Override public INDArray norms(INDArray delta) { return rows("norms", delta).norm2(1); }

        @Override public INDArray steepestAscent(INDArray g) {
            rows("steepestAscent", g);
            return g.divColumnVector(column(g.norm2(1)).addi(1e-12));
        }

        @Override INDArray projectBall(INDArray x0, INDArray x, double eps) {
            INDArray delta = x.sub(x0);                                            // (B, D)
            INDArray n = delta.norm2(1);                                           // (B)
            INDArray scale = Transforms.min(n.rdiv(eps), 1.0, false);              // min(1, ε/‖δ‖); ε/0 = ∞ → 1
            return x0.add(delta.mulColumnVector(column(scale)));
        }

        /** Uniform in the ball: a Gaussian direction scaled to radius ε·u^(1/D). */
        @Override public INDArray randomInBall(Rng rng, INDArray x0, double eps) {
            long b = x0.size(0), d = x0.size(1);
            INDArray dir = rng.normal(x0.dataType(), 0, 1, b, d);
            INDArray radius = rng.uniform(x0.dataType(), 0, 1, b);
            Transforms.pow(radius, 1.0 / d, false).muli(eps);
            return dir.divColumnVector(column(dir.norm2(1)).addi(1e-12)).muliColumnVector(column(radius));
        }

        @Override public double dualExponent() { return 2; }
    };

    /** ‖δ_i‖_p for each row of δ (B, D): shape (B). */
    public abstract INDArray norms(INDArray delta);

    /** The unit-norm direction of steepest ascent for each row of g (B, D). */
    public abstract INDArray steepestAscent(INDArray g);

    /** A random perturbation (B, D) with ‖δ_i‖_p ≤ ε, shaped like x0. */
    public abstract INDArray randomInBall(Rng rng, INDArray x0, double eps);

    /** q of the dual norm ℓq (1/p + 1/q = 1): 1 for ℓ∞, 2 for ℓ2. */
    public abstract double dualExponent();

    abstract INDArray projectBall(INDArray x0, INDArray x, double eps);

    /** x (B, D) moved onto {z : ‖z − x0‖_p ≤ ε} ∩ [0,1]^D. */
    public INDArray project(INDArray x0, INDArray x, double eps) {
        rows("project", x0);
        ShapeException.requireShape("project", "x", x0.shape(), x.shape());
        if (!(eps >= 0)) throw new IllegalArgumentException("project: eps must be >= 0 but is " + eps);
        return Transforms.min(Transforms.max(projectBall(x0, x, eps), 0.0, false), 1.0, false);
    }

    static INDArray column(INDArray v) { return v.reshape(v.length(), 1); }

    private static INDArray rows(String op, INDArray a) {
        ShapeException.requireRank(name(op), "rows (B, D)", 2, a.shape());
        return a;
    }

    private static String name(String op) { return "Norm." + op; }
}
