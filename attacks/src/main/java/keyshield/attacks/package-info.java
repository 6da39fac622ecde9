/**
 * Adversarial attacks and robust evaluation on a {@link keyshield.attacks.Classifier}: a function of raw
 * images x ∈ [0,1] (N, C, H, W) to logits, with normalization and any key transform inside it.
 *
 * <p>Attacks are configured by typed {@link keyshield.attacks.AttackSpec} records and run only through
 * {@link keyshield.attacks.Attacks#run}, the harness that projects every result onto the ε-ball ∩ [0,1],
 * recounts success itself and reports samples whose input gradient is zero (so gradient masking is not
 * mistaken for robustness). Inside, images are handled as flat (B, D) rows, D = C·H·W, so that per-sample
 * norms and step sizes are row operations.
 *
 * <p>White-box gradients are taken with respect to the input only; the classifier's parameters are
 * frozen for the duration of an attack ({@link keyshield.attacks.Classifier#parameters()}).
 * {@link keyshield.attacks.Bpda} and {@link keyshield.attacks.Eot} wrap defenses whose preprocessing is
 * non-differentiable or random; {@link keyshield.attacks.AutoAttack} is the standard ensemble of Croce &amp;
 * Hein (2020); {@link keyshield.attacks.RobustEvaluation} runs a protocol (white-box, non-adaptive,
 * adaptive) over a dataset in resumable batches.
 */
package keyshield.attacks;
