package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Auto-PGD (Croce &amp; Hein, "Reliable evaluation of adversarial robustness with an ensemble of diverse
 * parameter-free attacks", ICML 2020, Algorithm 1), for ℓ∞ and ℓ2, on the cross-entropy (APGD-CE) or
 * the targeted DLR loss over the top non-true classes (APGD-T).
 *
 * <p>One run of N iterations, per sample:
 * <pre>
 *   x⁰ random in B_ε(x);  η = 2ε;  x¹ = P(x⁰ + η·d(∇f(x⁰)))
 *   z^{k+1} = P(x^k + η·d(∇f(x^k)))
 *   x^{k+1} = P(x^k + α(z^{k+1} − x^k) + (1 − α)(x^k − x^{k−1})),   α = 0.75 (1 at the first step)
 * </pre>
 * with P the projection onto B_ε(x) ∩ [0,1] and d the norm's steepest-ascent direction. At checkpoints
 * w_j = ⌈p_j·N⌉, p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), the step size of a
 * sample is halved and its iterate reset to its best point if either
 * <ol>
 *   <li>the loss increased in at most ρ·(w_j − w_{j−1}) of the steps since the last checkpoint (ρ = 0.75), or</li>
 *   <li>η was not halved at the last checkpoint and the best loss has not improved since.</li>
 * </ol>
 * The intervals w_j − w_{j−1} are thus 22, 19, 16, 13, 10, 7, 6, 6, … iterations for N = 100, as in the
 * reference implementation. A sample counts as fooled as soon as any iterate misclassifies it; that
 * iterate is what the run returns for it.
 */
public final class Apgd extends Attack {
    private static final double MOMENTUM = 0.75;

    private final ApgdSpec spec;

    public Apgd(ApgdSpec spec) { this.spec = spec; }

    @Override public ApgdSpec spec() { return spec; }

    @Override public String name() { return spec.loss() == ApgdSpec.Loss.CE ? "apgd-ce" : "apgd-t"; }

    @Override Output perturb(Problem p, Rng rng) {
        INDArray adv = Scope.outside(() -> p.x().dup());
        boolean[] robust = new boolean[p.batch()];
        try (var s = Scope.open()) {
            int[] pred = AttackLosses.predictions(p.cleanLogits());
            for (int i = 0; i < robust.length; i++) robust[i] = pred[i] == p.y()[i];
        }
        if (spec.loss() == ApgdSpec.Loss.CE) {
            for (int r = 0; r < spec.restarts(); r++)
                attackRemaining(p, adv, robust, null, rng.split("restart", r));
        } else {
            int k = p.numClasses();
            int targets = Math.min(spec.targetClasses(), k - 1);
            for (int c = 2; c <= targets + 1; c++)
                for (int r = 0; r < spec.restarts(); r++)
                    attackRemaining(p, adv, robust, c, rng.split("target" + c + "-restart", r));
        }
        return new Output(adv, null);
    }

    /** One run on the samples still robust; fooled ones get their adversarial point written into adv. */
    private void attackRemaining(Problem p, INDArray adv, boolean[] robust, Integer targetRank, Rng rng) {
        int[] idx = indices(robust);
        if (idx.length == 0) return;
        Problem sub = p.subset(idx);
        int[] targets = null;
        if (targetRank != null) {
            try (var s = Scope.open()) {
                int[][] order = AttackLosses.descendingOrder(sub.logits(sub.x()), targetRank);
                targets = new int[idx.length];
                for (int i = 0; i < idx.length; i++) targets[i] = order[i][targetRank - 1];   // the targetRank-th largest logit
            }
        }
        Run run = new Run(sub, targets, rng);
        run.execute();
        for (int i = 0; i < idx.length; i++)
            if (!run.robust[i]) {
                robust[idx[i]] = false;
                adv.putRow(idx[i], run.xBestAdv.getRow(i));
            }
    }

    /** The state of one APGD run over a batch; arrays live outside scopes and are updated in place. */
    private final class Run {
        final Problem p;
        final int[] targets;
        final Rng rng;
        final int n;
        INDArray xAdv, xAdvOld, xBest, xBestAdv, grad, gradBest;
        double[] stepSize, lossBest, lossBestLastCheck, current;
        boolean[] reducedLastCheck, robust;

        Run(Problem p, int[] targets, Rng rng) {
            this.p = p;
            this.targets = targets;
            this.rng = rng;
            this.n = p.batch();
        }

        void execute() {
            int iters = spec.iterations();
            java.util.List<Integer> intervals = checkpointIntervals(iters);
            int checkpoint = 0, checkpointInterval = intervals.get(0);
            double[][] lossHistory = new double[iters + 1][];        // [0]: at x⁰, [i + 1]: after step i

            try (var s = Scope.open()) {
                INDArray start = p.norm().project(p.x(), p.x().add(randomUnitStart().muli(p.eps())), p.eps());
                xAdv = Scope.keep(start.dup());
                Problem.Evaluation e = evaluate(xAdv);
                grad = Scope.keep(e.grad().dup());
                lossHistory[0] = e.loss().toDoubleVector();
                robust = correct(e.logits());
            }
            xAdvOld = Scope.outside(() -> xAdv.dup());
            xBest = Scope.outside(() -> xAdv.dup());
            xBestAdv = Scope.outside(() -> xAdv.dup());
            gradBest = Scope.outside(() -> grad.dup());
            lossBest = lossHistory[0].clone();
            lossBestLastCheck = lossBest.clone();
            reducedLastCheck = new boolean[n];
            java.util.Arrays.fill(reducedLastCheck, true);
            stepSize = new double[n];
            java.util.Arrays.fill(stepSize, 2 * p.eps());

            int sinceCheck = 0;
            for (int i = 0; i < iters; i++) {
                try (var s = Scope.open()) {
                    // gradient step with momentum
                    double a = i > 0 ? MOMENTUM : 1.0;
                    INDArray momentum = xAdv.sub(xAdvOld);                                   // x^k − x^{k−1}
                    xAdvOld.assign(xAdv);
                    INDArray eta = Nd4j.createFromArray(stepSize).castTo(xAdv.dataType()).reshape(n, 1);
                    INDArray z = p.norm().project(p.x(), xAdv.add(p.norm().steepestAscent(grad).muliColumnVector(eta)), p.eps());
                    INDArray next = xAdv.add(z.sub(xAdv).muli(a)).addi(momentum.muli(1 - a));
                    xAdv.assign(p.norm().project(p.x(), next, p.eps()));

                    // gradient and loss at the new point
                    Problem.Evaluation e = evaluate(xAdv);
                    grad.assign(e.grad());
                    double[] loss = e.loss().toDoubleVector();
                    lossHistory[i + 1] = loss;
                    boolean[] correct = correct(e.logits());
                    for (int b = 0; b < n; b++) {
                        if (!correct[b]) xBestAdv.putRow(b, xAdv.getRow(b));
                        robust[b] &= correct[b];
                        if (loss[b] > lossBest[b]) {
                            xBest.putRow(b, xAdv.getRow(b));
                            gradBest.putRow(b, grad.getRow(b));
                            lossBest[b] = loss[b];
                        }
                    }

                    // step-size checkpoint
                    if (++sinceCheck == checkpointInterval) {
                        for (int b = 0; b < n; b++) {
                            int increases = 0;
                            for (int j = i + 1 - checkpointInterval; j <= i; j++)
                                if (lossHistory[j + 1][b] > lossHistory[j][b]) increases++;
                            boolean oscillating = increases <= spec.rho() * checkpointInterval;
                            boolean stalled = !reducedLastCheck[b] && lossBestLastCheck[b] >= lossBest[b];
                            boolean reduce = oscillating || stalled;
                            reducedLastCheck[b] = reduce;
                            lossBestLastCheck[b] = lossBest[b];
                            if (reduce) {
                                stepSize[b] /= 2;
                                xAdv.putRow(b, xBest.getRow(b));
                                grad.putRow(b, gradBest.getRow(b));
                            }
                        }
                        checkpointInterval = intervals.get(Math.min(++checkpoint, intervals.size() - 1));
                        sinceCheck = 0;
                    }
                }
            }
        }

        /** A start direction with ‖t‖_p = 1: uniform in the cube scaled to the sphere (ℓ∞) or Gaussian (ℓ2). */
        private INDArray randomUnitStart() {
            INDArray t = p.norm() == Norm.LINF
                    ? rng.uniform(p.x().dataType(), -1, 1, p.x().shape())
                    : rng.normal(p.x().dataType(), 0, 1, p.x().shape());
            return t.divColumnVector(Norm.column(p.norm().norms(t)).addi(1e-12));
        }

        private Problem.Evaluation evaluate(INDArray at) {
            AttackLosses.Loss loss = targets == null
                    ? AttackLosses::crossEntropy
                    : (Tensor logits, int[] labels) -> AttackLosses.targetedDlr(logits, labels, targets);
            return p.lossAndGrad(at, loss, p.y(), LossReduction.SUM);
        }

        private boolean[] correct(INDArray logits) {
            int[] pred = AttackLosses.predictions(logits);
            boolean[] c = new boolean[n];
            for (int b = 0; b < n; b++) c[b] = pred[b] == p.y()[b];
            return c;
        }
    }

    /**
     * The lengths w_j − w_{j−1} of the intervals between step-size checkpoints for N iterations, in
     * integer form as the reference computes them: the first is ⌊0.22·N⌋, each next one 3% of N shorter
     * (⌊0.03·N⌋), but never below ⌊0.06·N⌋ (all at least 1). For N = 100: 22, 19, 16, 13, 10, 7, 6, 6, …,
     * i.e. checkpoints after iterations 22, 41, 57, 70, 80, 87, 93, 99 = ⌈p_j·N⌉.
     */
    static java.util.List<Integer> checkpointIntervals(int iterations) {
        int first = Math.max((int) (0.22 * iterations), 1);
        int min = Math.max((int) (0.06 * iterations), 1);
        int decrease = Math.max((int) (0.03 * iterations), 1);
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int total = 0;
        for (int k = first; total + k <= iterations; k = Math.max(k - decrease, min)) {
            out.add(k);
            total += k;
        }
        if (out.isEmpty()) out.add(first);
        return out;
    }

    static int[] indices(boolean[] flags) {
        int count = 0;
        for (boolean f : flags) if (f) count++;
        int[] idx = new int[count];
        for (int i = 0, j = 0; i < flags.length; i++) if (flags[i]) idx[j++] = i;
        return idx;
    }
}
