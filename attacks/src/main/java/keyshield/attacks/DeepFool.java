package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DeepFool (Moosavi-Dezfooli, Fawzi &amp; Frossard, CVPR 2016), multi-class, for ℓ2 and ℓ∞. At the current
 * point x_i, for each candidate class k ≠ y let f_k = z_k − z_y and w_k = ∇f_k. The closest linearised
 * boundary is l = argmin_k |f_k| / ‖w_k‖_q (q the dual norm), and the minimal step onto it is
 * <pre>
 *   r_i = (|f_l| + 10⁻⁴) / ‖w_l‖₂² · w_l            (ℓ2)
 *   r_i = (|f_l| + 10⁻⁴) / ‖w_l‖₁ · sign(w_l)       (ℓ∞)
 * </pre>
 * Steps accumulate, r = Σ r_i, and x_{i+1} = clip(x0 + (1 + overshoot)·r); a sample stops as soon as it is
 * misclassified, or after the iteration cap. Candidates are y and the highest-scoring other classes at x0.
 * DeepFool is a minimum-norm attack: its result is projected onto the ε-ball by the harness like any other.
 */
public final class DeepFool extends Attack {
    private final DeepFoolSpec spec;

    public DeepFool(DeepFoolSpec spec) { this.spec = spec; }

    @Override public DeepFoolSpec spec() { return spec; }

    @Override public String name() { return "deepfool"; }

    @Override Output perturb(Problem p, Rng rng) {
        int n = p.batch();
        Norm norm = p.norm();
        double[][] x0 = p.x().castTo(DataType.DOUBLE).toDoubleMatrix();
        int dim = x0[0].length;
        double[][] total = new double[n][dim];
        double[][] current = new double[n][];
        for (int i = 0; i < n; i++) current[i] = x0[i].clone();
        int[][] candidates;
        boolean[] active = new boolean[n];
        try (var s = Scope.open()) {
            INDArray clean = p.cleanLogits();
            int classes = (int) clean.size(1);
            int m = Math.min(spec.candidates(), classes);
            int[][] order = AttackLosses.descendingOrder(clean, classes);
            candidates = new int[n][m];
            int[] pred = AttackLosses.predictions(clean);
            for (int i = 0; i < n; i++) {
                candidates[i][0] = p.y()[i];
                for (int k = 0, j = 1; j < m; k++) if (order[i][k] != p.y()[i]) candidates[i][j++] = order[i][k];
                active[i] = pred[i] == p.y()[i];
            }
        }
        int m = candidates[0].length;
        for (int it = 0; it < spec.maxIterations() && any(active); it++) {
            try (var s = Scope.open()) {
                INDArray at = Nd4j.createFromArray(current).castTo(p.x().dataType());
                INDArray[] lg = p.logitGradients(at, candidates, m);
                double[][] z = lg[0].castTo(DataType.DOUBLE).toDoubleMatrix();
                double[][][] g = new double[m][][];
                for (int j = 0; j < m; j++) g[j] = lg[j + 1].castTo(DataType.DOUBLE).toDoubleMatrix();
                int[] pred = AttackLosses.predictions(lg[0]);
                for (int i = 0; i < n; i++) {
                    if (pred[i] != p.y()[i]) active[i] = false;
                    if (!active[i]) continue;
                    int y = candidates[i][0];
                    double bestDist = Double.POSITIVE_INFINITY, bestF = 0;
                    double[] bestW = null;
                    for (int j = 1; j < m; j++) {
                        double f = z[i][candidates[i][j]] - z[i][y];
                        double[] w = new double[dim];
                        for (int d = 0; d < dim; d++) w[d] = g[j][i][d] - g[0][i][d];
                        double dist = Math.abs(f) / (Fab.dualNorm(norm, w) + 1e-12);
                        if (dist < bestDist) { bestDist = dist; bestF = f; bestW = w; }
                    }
                    double q = Fab.dualNorm(norm, bestW);
                    if (q == 0) { active[i] = false; continue; }                     // no gradient: nothing to follow
                    double scale = (Math.abs(bestF) + 1e-4) / (norm == Norm.L2 ? q * q : q);
                    for (int d = 0; d < dim; d++) {
                        total[i][d] += scale * (norm == Norm.L2 ? bestW[d] : Math.signum(bestW[d]));
                        current[i][d] = Math.min(Math.max(x0[i][d] + (1 + spec.overshoot()) * total[i][d], 0), 1);
                    }
                }
            }
        }
        INDArray out = Scope.outside(() -> Nd4j.createFromArray(current).castTo(p.x().dataType()));
        return new Output(out, null);
    }

    private static boolean any(boolean[] a) {
        for (boolean b : a) if (b) return true;
        return false;
    }
}
