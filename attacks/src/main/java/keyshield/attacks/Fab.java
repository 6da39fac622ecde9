package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fast Adaptive Boundary attack (Croce &amp; Hein, "Minimally distorted adversarial examples with a fast
 * adaptive boundary attack", ICML 2020), ℓ∞ and ℓ2; FAB-T (targeted) is AutoAttack's third member.
 *
 * <p>Per sample, from x¹ = x0 (or a random point at half the budget on restarts), each iteration
 * <ol>
 *   <li>linearises the classifier at x¹: for every candidate class k, the boundary f_k − f_y = 0 becomes
 *       the hyperplane ⟨∇(f_k − f_y), z − x¹⟩ + (f_k − f_y)(x¹) = 0; untargeted FAB picks the class whose
 *       hyperplane is closest, |f_k − f_y| / ‖∇(f_k − f_y)‖_q (q the dual norm), FAB-T uses its target;</li>
 *   <li>projects both x¹ and x0 onto that hyperplane within [0,1] ({@link FabProjection}): steps δ¹, δ⁰;</li>
 *   <li>takes the biased step x¹ ← clip((1 − α)(x¹ + η·δ¹) + α(x0 + η·δ⁰)), with
 *       α = min(‖δ¹‖ / (‖δ¹‖ + ‖δ⁰‖), α_max), η the overshoot;</li>
 *   <li>if x¹ is now misclassified, remembers it when closer to x0 than the best so far, and steps back
 *       towards x0: x¹ ← x0 + β(x¹ − x0).</li>
 * </ol>
 * FAB minimises the perturbation; a point counts as an adversarial example only if its norm is within ε
 * (otherwise the clean point is returned, as in the reference).
 */
public final class Fab extends Attack {
    private final FabSpec spec;

    public Fab(FabSpec spec) { this.spec = spec; }

    @Override public FabSpec spec() { return spec; }

    @Override public String name() { return spec.targeted() ? "fab-t" : "fab"; }

    @Override Output perturb(Problem p, Rng rng) {
        INDArray adv = Scope.outside(() -> p.x().dup());
        boolean[] robust = new boolean[p.batch()];
        try (var s = Scope.open()) {
            int[] pred = AttackLosses.predictions(p.cleanLogits());
            for (int i = 0; i < robust.length; i++) robust[i] = pred[i] == p.y()[i];
        }
        int classes = p.numClasses();
        if (spec.targeted()) {
            int targets = Math.min(spec.targetClasses(), classes - 1);
            for (int rank = 2; rank <= targets + 1; rank++)
                for (int r = 0; r < spec.restarts(); r++)
                    attackRemaining(p, adv, robust, rank, r > 0, rng.split("target" + rank + "-restart", r));
        } else {
            for (int r = 0; r < spec.restarts(); r++)
                attackRemaining(p, adv, robust, 0, r > 0, rng.split("restart", r));
        }
        return new Output(adv, null);
    }

    private void attackRemaining(Problem p, INDArray adv, boolean[] robust, int targetRank, boolean randomStart, Rng rng) {
        int[] idx = Apgd.indices(robust);
        if (idx.length == 0) return;
        Problem sub = p.subset(idx);
        int[] targets = null;
        if (targetRank > 0) {
            try (var s = Scope.open()) {
                int[][] order = AttackLosses.descendingOrder(sub.logits(sub.x()), targetRank);
                targets = new int[idx.length];
                for (int i = 0; i < idx.length; i++) targets[i] = order[i][targetRank - 1];
            }
        }
        double[][] found = singleRun(sub, targets, randomStart, rng);
        for (int i = 0; i < idx.length; i++) {
            if (found[i] == null) continue;
            robust[idx[i]] = false;
            adv.putRow(idx[i], Nd4j.createFromArray(found[i]).castTo(p.x().dataType()));
        }
    }

    /** One FAB run; per sample the closest adversarial point found within ε, or null. */
    private double[][] singleRun(Problem p, int[] targets, boolean randomStart, Rng rng) {
        int n = p.batch();
        Norm norm = p.norm();
        double[][] x0 = p.x().castTo(DataType.DOUBLE).toDoubleMatrix();
        int dim = x0[0].length;
        double[][] x1 = new double[n][];
        for (int i = 0; i < n; i++) x1[i] = x0[i].clone();
        if (randomStart) {
            INDArray t = norm == Norm.LINF ? rng.uniform(DataType.DOUBLE, -1, 1, n, dim)
                                           : rng.normal(DataType.DOUBLE, 0, 1, n, dim);
            double[] tn = norm.norms(t).toDoubleVector();
            double[][] tv = t.toDoubleMatrix();
            for (int i = 0; i < n; i++)
                for (int j = 0; j < dim; j++) x1[i][j] = clip(x0[i][j] + p.eps() * tv[i][j] / tn[i] * 0.5);
        }
        double[][] best = new double[n][];
        double[] bestNorm = new double[n];
        java.util.Arrays.fill(bestNorm, 1e10);
        int classes = p.numClasses();
        for (int it = 0; it < spec.iterations(); it++) {
            try (var s = Scope.open()) {
                INDArray at = Nd4j.createFromArray(x1).castTo(p.x().dataType());
                double[][] wPlane = new double[n][];
                double[] bPlane = new double[n];
                if (targets != null) {
                    int[] t = targets;
                    Problem.Evaluation e = p.lossAndGrad(at, (z, y) -> z.pick(t).sub(z.pick(y)), p.y(), LossReduction.SUM);
                    double[] df = e.loss().toDoubleVector();
                    double[][] dg = e.grad().castTo(DataType.DOUBLE).toDoubleMatrix();
                    for (int i = 0; i < n; i++) { wPlane[i] = dg[i]; bPlane[i] = -df[i] + dot(dg[i], x1[i]); }
                } else {
                    int[][] all = new int[n][classes];
                    for (int i = 0; i < n; i++) for (int k = 0; k < classes; k++) all[i][k] = k;
                    INDArray[] lg = p.logitGradients(at, all, classes);
                    double[][] z = lg[0].castTo(DataType.DOUBLE).toDoubleMatrix();
                    double[][][] g = new double[classes][][];
                    for (int k = 0; k < classes; k++) g[k] = lg[k + 1].castTo(DataType.DOUBLE).toDoubleMatrix();
                    for (int i = 0; i < n; i++) {
                        int y = p.y()[i], pick = -1;
                        double bestDist = Double.POSITIVE_INFINITY;
                        for (int k = 0; k < classes; k++) {
                            if (k == y) continue;
                            double df = z[i][k] - z[i][y];
                            double[] dg = sub(g[k][i], g[y][i]);
                            double dist = Math.abs(df) / (1e-12 + dualNorm(norm, dg));
                            if (dist < bestDist) { bestDist = dist; pick = k; }
                        }
                        double[] dg = sub(g[pick][i], g[y][i]);
                        wPlane[i] = dg;
                        bPlane[i] = -(z[i][pick] - z[i][y]) + dot(dg, x1[i]);
                    }
                }
                for (int i = 0; i < n; i++) {
                    double[] d1 = FabProjection.project(norm, x1[i], wPlane[i], bPlane[i]);
                    double[] d2 = FabProjection.project(norm, x0[i], wPlane[i], bPlane[i]);
                    double a1 = Math.max(norm(norm, d1), 1e-8), a2 = Math.max(norm(norm, d2), 1e-8);
                    double alpha = Math.min(Math.max(a1 / (a1 + a2), 0), spec.alphaMax());
                    for (int j = 0; j < dim; j++)
                        x1[i][j] = clip((x1[i][j] + spec.eta() * d1[j]) * (1 - alpha) + (x0[i][j] + spec.eta() * d2[j]) * alpha);
                }
                int[] pred = AttackLosses.predictions(p.logits(Nd4j.createFromArray(x1).castTo(p.x().dataType())));
                for (int i = 0; i < n; i++) {
                    if (pred[i] == p.y()[i]) continue;
                    double[] delta = new double[dim];
                    for (int j = 0; j < dim; j++) delta[j] = x1[i][j] - x0[i][j];
                    double t = norm(norm, delta);
                    if (t < bestNorm[i]) { bestNorm[i] = t; best[i] = x1[i].clone(); }
                    for (int j = 0; j < dim; j++) x1[i][j] = x0[i][j] + delta[j] * spec.beta();
                }
            }
        }
        for (int i = 0; i < n; i++) if (best[i] != null && bestNorm[i] > p.eps()) best[i] = null;
        return best;
    }

    private static double clip(double v) { return Math.min(Math.max(v, 0), 1); }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] - b[i];
        return r;
    }

    /** ‖v‖_p for the threat norm. */
    static double norm(Norm norm, double[] v) {
        double s = 0;
        for (double x : v) s = norm == Norm.LINF ? Math.max(s, Math.abs(x)) : s + x * x;
        return norm == Norm.LINF ? s : Math.sqrt(s);
    }

    /** ‖v‖_q for the dual norm: ℓ1 for ℓ∞, ℓ2 for ℓ2. */
    static double dualNorm(Norm norm, double[] v) {
        double s = 0;
        for (double x : v) s += norm == Norm.LINF ? Math.abs(x) : x * x;
        return norm == Norm.LINF ? s : Math.sqrt(s);
    }
}
