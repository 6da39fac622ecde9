package keyshield.tensor;

/**
 * Whether operations are recorded for backpropagation on the current thread.
 *
 * <p>Recording is on by default. Evaluation, attacks that need no parameter gradients and optimizer
 * updates switch it off for a block:
 * <pre>{@code
 * try (var noGrad = GradMode.off()) {
 *     Tensor logits = model.forward(x);   // nothing is recorded, nothing is kept for backward
 * }
 * }</pre>
 * Scopes nest; closing one restores the state that was in force when it was opened.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> true);

    private final boolean previous;
    private boolean closed;

    private GradMode(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    /** Stops recording until the returned scope is closed. */
    public static GradMode off() { return new GradMode(false); }

    /** Records again inside a surrounding {@link #off()} block, until the returned scope is closed. */
    public static GradMode on() { return new GradMode(true); }

    /** True when operations on the current thread build a graph for {@link Tensor#backward()}. */
    public static boolean isEnabled() { return ENABLED.get(); }

    @Override
    public void close() {
        if (!closed) {
            ENABLED.set(previous);
            closed = true;
        }
    }
}
