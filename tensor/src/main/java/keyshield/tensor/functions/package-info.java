/**
 * The differentiable primitives, grouped by family: {@link keyshield.tensor.functions.Arithmetic}
 * (broadcasting + − × ÷), {@link keyshield.tensor.functions.Unary} (exp, log, erf, …),
 * {@link keyshield.tensor.functions.MatMul} (matmul, linear), {@link keyshield.tensor.functions.Movement}
 * (reshape, permute, slice, gather, concat, …), {@link keyshield.tensor.functions.Reduce} (sum, mean,
 * max), {@link keyshield.tensor.functions.Softmax} and {@link keyshield.tensor.functions.Conv}
 * (convolution and pooling). Each is a small class: forward computes the output and saves what backward
 * reads; backward maps ∂L/∂output to ∂L/∂input for every input.
 */
package keyshield.tensor.functions;
