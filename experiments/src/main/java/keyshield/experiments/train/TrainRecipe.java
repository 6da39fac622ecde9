package keyshield.experiments.train;

import keyshield.experiments.data.Augmentation;

import java.util.List;

/**
 * How a model is trained (the paper's §III-D fine-tuning recipe, and pre-training): AdamW under a
 * one-cycle schedule (cosine, {@code warmupFraction} of the steps rising), cross-entropy with label
 * smoothing, augmentation of the raw image before any key transform.
 *
 * @param epochs          passes over the training set (fractional values train on a prefix of the last epoch)
 * @param batchSize       images per step
 * @param lr              peak learning rate
 * @param weightDecay     AdamW's decoupled weight decay (not applied to biases, norms and embeddings)
 * @param labelSmoothing  ε of the smoothed cross-entropy
 * @param warmupFraction  share of the steps spent rising to the peak learning rate
 * @param augmentations   applied to raw [0, 1] images, in order
 */
public record TrainRecipe(double epochs, int batchSize, double lr, double weightDecay, double labelSmoothing,
                          double warmupFraction, List<Augmentation> augmentations) {
    public TrainRecipe {
        if (!(epochs > 0)) throw new IllegalArgumentException("epochs must be positive but is " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be positive but is " + batchSize);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive but is " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay must be >= 0 but is " + weightDecay);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new IllegalArgumentException("labelSmoothing must be in [0, 1) but is " + labelSmoothing);
        if (!(warmupFraction > 0 && warmupFraction < 1)) throw new IllegalArgumentException("warmupFraction must be in (0, 1) but is " + warmupFraction);
        augmentations = List.copyOf(augmentations);
    }

    /** Full fine-tuning of the cifarCpu preset: AdamW lr 3e-4, weight decay 0.05, batch 128, 2 epochs, smoothing 0.1, 10% warm-up. */
    public static TrainRecipe fullFinetune(List<Augmentation> aug) { return new TrainRecipe(2, 128, 3e-4, 0.05, 0.1, 0.1, aug); }

    /** LoRA fine-tuning of the cifarCpu preset: AdamW lr 1e-3, no weight decay, otherwise as full fine-tuning. */
    public static TrainRecipe loraFinetune(List<Augmentation> aug) { return new TrainRecipe(2, 128, 1e-3, 0, 0.1, 0.1, aug); }

    public TrainRecipe withEpochs(double e) { return new TrainRecipe(e, batchSize, lr, weightDecay, labelSmoothing, warmupFraction, augmentations); }

    public TrainRecipe withBatchSize(int b) { return new TrainRecipe(epochs, b, lr, weightDecay, labelSmoothing, warmupFraction, augmentations); }

    public TrainRecipe withLr(double l) { return new TrainRecipe(epochs, batchSize, l, weightDecay, labelSmoothing, warmupFraction, augmentations); }
}
