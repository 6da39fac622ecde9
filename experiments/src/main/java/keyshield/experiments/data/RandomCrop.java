package keyshield.experiments.data;

import keyshield.tensor.Rng;

/**
 * torchvision's {@code RandomCrop(size, padding)} with the output as large as the input: pad every side
 * by {@code padding} pixels, then cut an H×W window at a uniformly random offset (top, left) ∈
 * [0, 2·padding]² (two draws, top first). With {@link Fill#REFLECT} the padding mirrors the image
 * without repeating the edge (…, x2, x1 | x0, x1, x2, …), which needs padding &lt; H and &lt; W; with
 * {@link Fill#ZERO} it is black. Padding 0 is the identity.
 */
public record RandomCrop(int padding, Fill fill) implements Augmentation {
    /** How the border outside the image is filled. */
    public enum Fill { REFLECT, ZERO }

    public RandomCrop {
        if (padding < 0) throw new IllegalArgumentException("RandomCrop: padding must be ≥ 0, got " + padding);
        if (fill == null) throw new IllegalArgumentException("RandomCrop: fill is null");
    }

    @Override
    public void apply(float[] img, int offset, int c, int h, int w, Rng rng) {
        int top = rng.nextInt(2 * padding + 1), left = rng.nextInt(2 * padding + 1);
        crop(img, offset, c, h, w, top, left);
    }

    /** The window at (top, left) of the padded image, written back in place; top, left ∈ [0, 2·padding]. */
    public void crop(float[] img, int offset, int c, int h, int w, int top, int left) {
        if (fill == Fill.REFLECT && (padding >= h || padding >= w))
            throw new IllegalArgumentException("RandomCrop: reflect padding " + padding + " needs an image larger than it, got "
                    + h + "×" + w);
        if (top < 0 || top > 2 * padding || left < 0 || left > 2 * padding)
            throw new IllegalArgumentException("RandomCrop: offset (" + top + ", " + left + ") outside [0, " + 2 * padding + "]²");
        int dy = top - padding, dx = left - padding;          // output (y, x) reads input (y + dy, x + dx)
        if (dy == 0 && dx == 0) return;
        float[] src = new float[c * h * w];
        System.arraycopy(img, offset, src, 0, src.length);
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                boolean rowInside = sy >= 0 && sy < h;
                if (fill == Fill.REFLECT) sy = reflect(sy, h);
                for (int x = 0; x < w; x++) {
                    int sx = x + dx;
                    boolean inside = rowInside && sx >= 0 && sx < w;
                    float v;
                    if (fill == Fill.REFLECT) v = src[(ch * h + sy) * w + reflect(sx, w)];
                    else v = inside ? src[(ch * h + sy) * w + sx] : 0f;
                    img[offset + (ch * h + y) * w + x] = v;
                }
            }
    }

    /** Mirror index i into [0, n) without repeating the edge (valid for −n &lt; i &lt; 2n − 1). */
    static int reflect(int i, int n) {
        if (i < 0) return -i;
        if (i >= n) return 2 * (n - 1) - i;
        return i;
    }
}
