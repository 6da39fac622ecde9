package keyshield.attacks;
import keyshield.tensor.Rng;
public final class Square extends Attack {
    private final SquareSpec spec;
    public Square(SquareSpec spec) { this.spec = spec; }
    @Override public SquareSpec spec() { return spec; }
    @Override public String name() { return "x"; }
    @Override Output perturb(Problem p, Rng rng) { throw new UnsupportedOperationException(); }
}
