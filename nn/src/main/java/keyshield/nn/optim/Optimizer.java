package keyshield.nn.optim;

/**
 * Updates parameters in place from their accumulated gradients. Implementations are built from a
 * model's named parameters ({@code Module.namedParameters()}, insertion-ordered); each {@link #step()}
 * skips frozen parameters ({@code !trainable()}) and parameters without a gradient (not reached by the
 * last backward), exactly as PyTorch skips parameters whose {@code .grad} is None.
 *
 * <p>State (momentum buffers, moments) is allocated once per parameter, outside every scope, the first
 * time the parameter is updated; a step's temporaries live in a scope the step opens and closes itself,
 * so stepping never accumulates memory.
 */
public interface Optimizer {
    /** Applies one update to every trainable parameter that has a gradient. */
    void step();

    /**
     * Sets every parameter's accumulated gradient to zero in place (the buffers are kept, so the next
     * backward does not allocate). A parameter with a zero gradient is still updated by {@link #step()}
     * (weight decay, momentum), as in PyTorch with {@code zero_grad(set_to_none=False)}.
     */
    void zeroGrad();

    /** The learning rate the next {@link #step()} uses. */
    double learningRate();

    /** Sets the learning rate for the following steps (e.g. from an {@link LrSchedule}). */
    void setLearningRate(double lr);
}
