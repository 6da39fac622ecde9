package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FGSM: one step of size ε along the norm's steepest-ascent direction of the cross-entropy,
 * x_adv = Π_{[0,1]}(x + ε·sign(∇x L)) for ℓ∞ (Goodfellow et al. 2015), which is exactly one
 * {@link Pgd} step of size ε without random start. Targeted: x − ε·sign(∇x L_t).
 */
public final class Fgsm extends Attack {
    private final FgsmSpec spec;

    public Fgsm(FgsmSpec spec) { this.spec = spec; }

    @Override public FgsmSpec spec() { return spec; }

    @Override public String name() { return "fgsm"; }

    @Override Output perturb(Problem p, Rng rng) {
        try (var s = Scope.open()) {
            int[] targets = spec.targeting().targets(p.cleanLogits(), p.y(), rng);
            INDArray step = Pgd.ascentDirection(p, p.x(), targets, spec.reduction());   // (B, D)
            INDArray xAdv = p.norm().project(p.x(), p.x().add(step.muli(p.eps())), p.eps());
            return new Output(Scope.keep(xAdv), targets);
        }
    }
}
