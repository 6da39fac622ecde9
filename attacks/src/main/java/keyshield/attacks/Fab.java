package keyshield.attacks;
import keyshield.tensor.Rng;
public final class Fab extends Attack {
    private final FabSpec spec;
    public Fab(FabSpec spec) { this.spec = spec; }
    @Override public FabSpec spec() { return spec; }
    @Override public String name() { return "x"; }
    @Override Output perturb(Problem p, Rng rng) { throw new UnsupportedOperationException(); }
}
