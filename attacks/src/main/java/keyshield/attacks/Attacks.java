package keyshield.attacks;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * The harness: the only way attack results are produced. For every attack and every sample it
 * <ol>
 *   <li>checks the inputs (x (B, C, H, W) finite and in [0,1], one label per image in [0, K));</li>
 *   <li>freezes the classifier's declared parameters, so only the input gradient is computed;</li>
 *   <li>probes the input gradient of the margin z_y − max_{k≠y} z_k at x and flags samples where it is
 *       exactly zero, so a masked gradient is reported instead of silently counted as robust; the clean
 *       logits of that forward are handed to the attack ({@link Problem#cleanLogits()});</li>
 *   <li>runs the algorithm, then projects what it returned onto {‖z − x‖_p ≤ ε} ∩ [0,1] ("we don't really
 *       know what the attack returns", as foolbox puts it) and re-checks both constraints;</li>
 *   <li>recomputes logits, predictions and success (prediction ≠ y) on the projected points itself.</li>
 * </ol>
 * Randomness comes only from {@code rng}; a fixed generator gives identical results.
 */
public final class Attacks {
    private Attacks() {}

    /** Builds the attack from its options and runs it. */
    public static AttackResult run(AttackSpec spec, Classifier classifier, INDArray x, int[] y, ThreatModel threat, Rng rng) {
        return run(spec.build(), classifier, x, y, threat, rng);
    }

    /** Runs {@code attack} on images x (B, C, H, W) in [0,1] with labels y against {@code classifier}. */
    public static AttackResult run(Attack attack, Classifier classifier, INDArray x, int[] y, ThreatModel threat, Rng rng) {
        checkInputs(attack.name(), x, y);
        if (classifier == null || threat == null || rng == null) throw new NullPointerException(attack.name() + ": classifier, threat and rng are required");
        List<Parameter> frozen = freeze(classifier);
        try {
            long b = x.size(0);
            long[] image = {x.size(1), x.size(2), x.size(3)};
            INDArray rows = Scope.outside(() -> x.dup('c').reshape('c', b, image[0] * image[1] * image[2]));   // (B, D)
            Problem unprobed = new Problem(classifier, rows, image, y.clone(), threat);
            checkLabels(attack.name(), unprobed);
            Probe probe = probe(unprobed);
            Problem p = unprobed.withCleanLogits(probe.cleanLogits());
            Attack.Output out = attack.perturb(p, rng);
            return finish(attack.name(), p, out.xAdv(), out.targets(), probe.zeroGradient());
        } finally {
            frozen.forEach(q -> q.setTrainable(true));
        }
    }

    /** Projects, re-checks and recounts a candidate (B, D): the last step of every attack. */
    static AttackResult finish(String name, Problem p, INDArray candidate, int[] targets, boolean[] zeroGrad) {
        ShapeException.requireShape(name, "returned x_adv", p.x().shape(), candidate.shape());
        if (candidate.dataType() != p.x().dataType()) candidate = candidate.castTo(p.x().dataType());
        if (candidate.isNaN().any() || candidate.isInfinite().any())
            throw new IllegalStateException(name + ": the attack returned non-finite values");
        try (var s = Scope.open()) {
            INDArray xAdv = p.norm().project(p.x(), candidate, p.eps());
            double[] norms = p.norm().norms(xAdv.sub(p.x())).toDoubleVector();
            double tol = p.eps() * 1e-5 + 1e-6;
            for (int i = 0; i < norms.length; i++)
                if (norms[i] > p.eps() + tol)
                    throw new IllegalStateException(name + ": sample " + i + " has perturbation " + norms[i] + " > eps " + p.eps() + " after projection");
            if (xAdv.minNumber().doubleValue() < 0 || xAdv.maxNumber().doubleValue() > 1)
                throw new IllegalStateException(name + ": x_adv left [0, 1] after projection");
            INDArray logits = p.logits(xAdv);
            int[] pred = AttackLosses.predictions(logits);
            boolean[] success = new boolean[pred.length];
            for (int i = 0; i < pred.length; i++) success[i] = pred[i] != p.y()[i];
            return new AttackResult(name, Scope.keep(p.images(xAdv)), Scope.keep(logits), pred, success,
                    targets == null ? null : targets.clone(), zeroGrad, norms);
        }
    }

    /** What the probe at the clean point found: the logits z(x) (B, K), and per sample whether the margin's gradient is exactly zero. */
    record Probe(INDArray cleanLogits, boolean[] zeroGradient) {}

    /**
     * One forward and backward at the clean point: the logits z(x), which the attacks then read instead
     * of a forward of their own, and per sample whether ∇x (z_y − max_{k≠y} z_k) is exactly zero. The
     * runner-up class k is chosen from the logits of that same forward.
     */
    static Probe probe(Problem p) {
        try (var s = Scope.open()) {
            Problem.Evaluation e = p.lossAndGrad(p.x(), (logits, labels) -> {
                int[] best = runnerUp(logits.value().toDoubleMatrix(), labels);
                return logits.pick(labels).sub(logits.pick(best));
            }, p.y(), LossReduction.SUM);
            double[] maxAbs = Transforms.abs(e.grad(), true).max(1).toDoubleVector();
            boolean[] zero = new boolean[maxAbs.length];
            for (int i = 0; i < zero.length; i++) zero[i] = maxAbs[i] == 0.0;
            return new Probe(Scope.outside(() -> e.logits().dup('c')), zero);
        }
    }

    /** Per sample, the class with the largest logit other than its label. */
    private static int[] runnerUp(double[][] z, int[] y) {
        int[] best = new int[y.length];
        for (int i = 0; i < best.length; i++) {
            int bi = -1;
            for (int k = 0; k < z[i].length; k++) if (k != y[i] && (bi < 0 || z[i][k] > z[i][bi])) bi = k;
            best[i] = bi;
        }
        return best;
    }

    private static List<Parameter> freeze(Classifier classifier) {
        List<Parameter> frozen = new ArrayList<>();
        for (Parameter q : classifier.parameters())
            if (q.trainable()) { q.setTrainable(false); frozen.add(q); }
        return frozen;
    }

    static void checkInputs(String name, INDArray x, int[] y) {
        if (x == null || y == null) throw new NullPointerException(name + ": x and y are required");
        ShapeException.requireRank(name, "images x (B, C, H, W)", 4, x.shape());
        if (!x.dataType().isFPType()) throw new IllegalArgumentException(name + ": images must be floating point but are " + x.dataType());
        if (y.length != x.size(0))
            throw new ShapeException(name + ": " + y.length + " labels for images of shape " + ShapeException.show(x.shape()));
        if (x.length() == 0) throw new ShapeException(name + ": empty batch " + ShapeException.show(x.shape()));
        if (x.isNaN().any() || x.isInfinite().any()) throw new IllegalArgumentException(name + ": images contain NaN or infinity");
        double lo = x.minNumber().doubleValue(), hi = x.maxNumber().doubleValue();
        if (lo < 0 || hi > 1) throw new IllegalArgumentException(name + ": images must lie in [0, 1] but span [" + lo + ", " + hi + "]");
    }

    private static void checkLabels(String name, Problem p) {
        long k;
        try (var s = Scope.open()) {
            INDArray z = p.logits(p.x().getRows(0));
            ShapeException.requireRank(name, "classifier logits (B, K)", 2, z.shape());
            k = z.size(1);
        }
        for (int i = 0; i < p.y().length; i++)
            if (p.y()[i] < 0 || p.y()[i] >= k)
                throw new IllegalArgumentException(name + ": label " + p.y()[i] + " of sample " + i + " is outside [0, " + k + ")");
    }

    /** Convenience for callers holding a tensor. */
    public static AttackResult run(AttackSpec spec, Classifier classifier, Tensor x, int[] y, ThreatModel threat, Rng rng) {
        return run(spec, classifier, x.value(), y, threat, rng);
    }
}
