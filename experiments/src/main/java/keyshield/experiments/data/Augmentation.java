package keyshield.experiments.data;

import keyshield.tensor.Rng;

import java.util.List;

/**
 * A random transformation of one raw image in [0, 1] during training, applied before the key
 * transform (so the defense sees augmented images exactly as at test time it sees clean ones). Each
 * augmentation draws its randomness from the generator it is given, in a fixed order, so a batch's
 * augmentations depend only on that batch's generator (see {@link Batches}).
 */
@com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME, property = "kind")
@com.fasterxml.jackson.annotation.JsonSubTypes({
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = RandomCrop.class, name = "random-crop"),
        @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = HorizontalFlip.class, name = "horizontal-flip")})
public sealed interface Augmentation permits RandomCrop, HorizontalFlip {
    /**
     * Transforms the CHW image {@code img[offset .. offset + c·h·w)} in place.
     */
    void apply(float[] img, int offset, int c, int h, int w, Rng rng);

    /** The standard CIFAR recipe: 4-pixel reflect-padded random crop, then a horizontal flip with p = 0.5. */
    static List<Augmentation> cifar() {
        return List.of(new RandomCrop(4, RandomCrop.Fill.REFLECT), new HorizontalFlip(0.5));
    }
}
