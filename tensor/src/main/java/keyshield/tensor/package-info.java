/**
 * Tensors and reverse-mode automatic differentiation over ND4J arrays.
 *
 * <p>A {@link keyshield.tensor.Tensor} holds an ND4J array; every operation on it is a
 * {@link keyshield.tensor.Function} whose forward and backward sit side by side (see
 * {@code keyshield.tensor.functions}). When {@link keyshield.tensor.GradMode} is on, applying a function
 * records it as the creator of its output; {@link keyshield.tensor.Tensor#backward()} then walks that
 * graph in reverse topological order ({@link keyshield.tensor.Backprop}) and accumulates ∂L/∂leaf into
 * the leaves' gradients. Trainable weights are {@link keyshield.tensor.Parameter}s.
 *
 * <p>Memory: ND4J frees off-heap buffers only when the GC collects their owners, so every training or
 * evaluation step runs inside a {@link keyshield.tensor.Scope}, which owns all arrays allocated in it.
 * Randomness comes only from {@link keyshield.tensor.Rng}. {@link keyshield.tensor.GradCheck} verifies a
 * backward against central differences in float64.
 */
package keyshield.tensor;
