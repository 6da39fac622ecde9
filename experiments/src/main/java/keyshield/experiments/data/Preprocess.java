package keyshield.experiments.data;

/**
 * timm's evaluation transform ({@code transforms_imagenet_eval}, crop mode "center") without the
 * normalization, which belongs to the model: resize so the shorter side is
 * {@code scaleSize = ⌊imgSize / cropPct⌋} (the longer side becomes ⌊scaleSize · long / short⌋, as
 * torchvision's {@code Resize(int)}), then cut the central {@code imgSize × imgSize} square, whose
 * top-left corner is at round((side − imgSize) / 2) with Python's round-half-to-even.
 *
 * <p>An image whose shorter side already equals {@code scaleSize} is not resampled, so CIFAR's 32×32
 * images with {@link #cifar()} pass through with their exact pixels.
 *
 * @param imgSize       side of the square output, in pixels
 * @param cropPct       fraction of the resized shorter side that is kept, in (0, 1]
 * @param interpolation resampling filter for the resize
 */
public record Preprocess(int imgSize, double cropPct, Interpolation interpolation) {
    public Preprocess {
        if (imgSize <= 0) throw new IllegalArgumentException("Preprocess: imgSize must be positive, got " + imgSize);
        if (!(cropPct > 0 && cropPct <= 1))
            throw new IllegalArgumentException("Preprocess: cropPct must be in (0, 1], got " + cropPct);
        if (interpolation == null) throw new IllegalArgumentException("Preprocess: interpolation is null");
    }

    /** CIFAR-sized images used as they are: 32 px, cropPct 1, so no resampling. */
    public static Preprocess cifar() { return new Preprocess(32, 1.0, Interpolation.BICUBIC); }

    /** timm's ViT default (e.g. {@code vit_base_patch16_224.augreg_in21k}): 224 px, cropPct 0.9, bicubic. */
    public static Preprocess vit224() { return new Preprocess(224, 0.9, Interpolation.BICUBIC); }

    /** timm's generic ImageNet default: 224 px, cropPct 0.875 (resize to 256), bicubic. */
    public static Preprocess imagenet224() { return new Preprocess(224, 0.875, Interpolation.BICUBIC); }

    /** Length of the shorter side after resizing: ⌊imgSize / cropPct⌋. */
    public int scaleSize() { return (int) Math.floor(imgSize / cropPct); }

    /** Resizes and center-crops {@code img} to {@code channels × imgSize × imgSize}. */
    public RawImage apply(RawImage img) {
        int h = img.height(), w = img.width(), s = scaleSize();
        int newH, newW;
        if (w <= h) {
            newW = s;
            newH = (int) ((double) s * h / w);
        } else {
            newH = s;
            newW = (int) ((double) s * w / h);
        }
        RawImage resized = Resize.resize(img, newH, newW, interpolation);
        int top = (int) Math.rint((newH - imgSize) / 2.0);
        int left = (int) Math.rint((newW - imgSize) / 2.0);
        return resized.crop(top, left, imgSize, imgSize);
    }
}
