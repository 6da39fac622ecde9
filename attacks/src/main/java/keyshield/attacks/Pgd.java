package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * PGD / BIM on the cross-entropy (Madry et al. 2018):
 * <pre>
 *   x⁰ = x  (or x + U(B_ε), projected, with a random start)
 *   x^{t+1} = Π_{B_ε(x) ∩ [0,1]}( x^t + α · d(∇x L(x^t)) )
 * </pre>
 * with d = sign for ℓ∞ and d = g/‖g‖₂ for ℓ2, and L the summed (or mean) cross-entropy; a targeted run
 * descends the cross-entropy of the target instead. Projection is onto the ε-ball first, then [0,1], at
 * every step, as in the golden reference. The last iterate is returned (as in the reference, not the
 * best one).
 */
public final class Pgd extends Attack {
    private final PgdSpec spec;

    public Pgd(PgdSpec spec) { this.spec = spec; }

    @Override public PgdSpec spec() { return spec; }

    @Override public String name() { return "pgd"; }

    @Override Output perturb(Problem p, Rng rng) {
        int[] targets;
        INDArray xAdv;
        try (var s = Scope.open()) {
            targets = spec.targeting().targets(p.cleanLogits(), p.y(), rng.split("targets"));
            INDArray start = spec.randomStart()
                    ? p.norm().project(p.x(), p.x().add(p.norm().randomInBall(rng.split("start"), p.x(), p.eps())), p.eps())
                    : p.x();
            xAdv = Scope.keep(start.dup());
        }
        for (int t = 0; t < spec.steps(); t++) {
            try (var s = Scope.open()) {
                INDArray step = ascentDirection(p, xAdv, targets, spec.reduction());        // (B, D)
                xAdv.assign(p.norm().project(p.x(), xAdv.add(step.muli(spec.stepSize())), p.eps()));
            }
        }
        return new Output(xAdv, targets);
    }

    /**
     * The unit steepest-ascent direction (B, D) of the cross-entropy at {@code at}: for untargeted runs
     * d(∇L(y)), for targeted ones d(∇ log p_t) (i.e. −d(∇L(t))).
     */
    static INDArray ascentDirection(Problem p, INDArray at, int[] targets, LossReduction reduction) {
        Problem.Evaluation e = targets == null
                ? p.lossAndGrad(at, AttackLosses::crossEntropy, p.y(), reduction)
                : p.lossAndGrad(at, AttackLosses::targetedCrossEntropy, targets, reduction);
        return p.norm().steepestAscent(e.grad());
    }
}
