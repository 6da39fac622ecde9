package keyshield.experiments.data;

import keyshield.tensor.Rng;

/** Mirrors the image left–right with probability {@code p} (one draw per image). */
public record HorizontalFlip(double p) implements Augmentation {
    public HorizontalFlip {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("HorizontalFlip: p must be in [0, 1], got " + p);
    }

    @Override
    public void apply(float[] img, int offset, int c, int h, int w, Rng rng) {
        if (rng.nextDouble() < p) flip(img, offset, c, h, w);
    }

    /** Reverses every row of the CHW image in place. */
    public static void flip(float[] img, int offset, int c, int h, int w) {
        for (int row = 0; row < c * h; row++) {
            int base = offset + row * w;
            for (int x = 0, y = w - 1; x < y; x++, y--) {
                float t = img[base + x];
                img[base + x] = img[base + y];
                img[base + y] = t;
            }
        }
    }
}
