/**
 * Optimizers and learning-rate schedules over named {@link keyshield.tensor.Parameter}s, with PyTorch's
 * update equations: {@link keyshield.nn.optim.Sgd} (momentum, Nesterov, L2 weight decay),
 * {@link keyshield.nn.optim.AdamW} (decoupled weight decay, not applied to biases, norms and embeddings
 * by timm's {@link keyshield.nn.optim.DecayRule}), {@link keyshield.nn.optim.GradClip} (global-norm
 * clipping) and {@link keyshield.nn.optim.LrSchedule} (constant, warm-up + cosine, one-cycle).
 *
 * <p>A training step, with the schedule read by step number:
 * <pre>{@code
 * var opt = new AdamW(model.namedParameters(), AdamW.Options.of(1e-3, 0.05));
 * for (long step = 0; step < total; step++) {
 *     try (var s = Scope.open()) {
 *         opt.setLearningRate(schedule.lr(step));
 *         opt.zeroGrad();
 *         Losses.crossEntropy(model.forward(x), y).backward();
 *         GradClip.clipGlobalNorm(model.parameters(), 1.0);
 *         opt.step();
 *     }
 * }
 * }</pre>
 */
package keyshield.nn.optim;
