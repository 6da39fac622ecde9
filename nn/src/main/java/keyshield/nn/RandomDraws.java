package keyshield.nn;

/**
 * A module whose forward draws randomness (a dropout mask) from a counter-indexed generator: draw k uses
 * {@code rng.split("mask", k)}. Rewinding the counter makes the next forward draw the same masks again,
 * which is how {@link Checkpoint} recomputes a forward exactly.
 */
public interface RandomDraws {
    /** How many draws the module has made. */
    long draws();

    /** Sets the draw counter, so the next forward makes draw {@code draws}. */
    void rewind(long draws);
}
