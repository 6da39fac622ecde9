package keyshield.attacks;

/**
 * Square Attack (Andriushchenko et al. 2020): a score-based black-box random search that changes one
 * square window per query and keeps the change if the margin loss drops.
 *
 * @param queries the query budget per sample (5000 in AutoAttack)
 * @param pInit   initial fraction of pixels in the window (0.8); decreases on the paper's schedule
 * @param rescaleSchedule stretch the p schedule (written for 10,000 queries) to {@code queries};
 *                AutoAttack standard does not
 */
public record SquareSpec(int queries, double pInit, boolean rescaleSchedule) implements AttackSpec {
    public SquareSpec {
        if (queries < 1) throw new IllegalArgumentException("square: queries must be >= 1 but is " + queries);
        if (!(pInit > 0 && pInit <= 1)) throw new IllegalArgumentException("square: pInit must be in (0, 1] but is " + pInit);
    }

    /** As in AutoAttack standard: 5000 queries, p_init = 0.8, no rescaling. */
    public static SquareSpec standard() { return new SquareSpec(5000, 0.8, false); }

    public SquareSpec withQueries(int n) { return new SquareSpec(n, pInit, rescaleSchedule); }

    @Override public Attack build() { return new Square(this); }
}
