package keyshield.attacks;
import keyshield.tensor.Rng;
public final class DeepFool extends Attack {
    private final DeepFoolSpec spec;
    public DeepFool(DeepFoolSpec spec) { this.spec = spec; }
    @Override public DeepFoolSpec spec() { return spec; }
    @Override public String name() { return "x"; }
    @Override Output perturb(Problem p, Rng rng) { throw new UnsupportedOperationException(); }
}
