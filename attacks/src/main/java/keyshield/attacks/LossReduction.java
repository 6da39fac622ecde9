package keyshield.attacks;

/**
 * How per-sample attack losses are combined before backward. Samples are independent, so the input
 * gradient of sample i is the same up to a factor 1/B; SUM (the golden PGD/FGSM convention and
 * AutoAttack's) keeps per-sample gradients at their natural scale, MEAN divides them by the batch size.
 */
public enum LossReduction { MEAN, SUM }
