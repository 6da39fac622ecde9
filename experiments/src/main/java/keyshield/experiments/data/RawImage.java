package keyshield.experiments.data;

import java.util.Arrays;

/**
 * One 8-bit image, planar: {@code pixels[(c·height + y)·width + x]} (CHW, the order of NCHW tensors and of
 * CIFAR's binary records). This is what decoders produce and what {@link Resize} and {@link Preprocess}
 * work on, so that resampling rounds to 8 bits exactly where PIL does, and what the decode cache keeps
 * (a quarter of the memory of floats).
 */
public record RawImage(int channels, int height, int width, byte[] pixels) {
    public RawImage {
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new IllegalArgumentException("RawImage: sizes must be positive, got channels " + channels
                    + ", height " + height + ", width " + width);
        long n = (long) channels * height * width;
        if (pixels.length != n)
            throw new IllegalArgumentException("RawImage: " + channels + "×" + height + "×" + width
                    + " needs " + n + " bytes, got " + pixels.length);
    }

    /** The value at channel c, row y, column x, in 0..255. */
    public int get(int c, int y, int x) { return pixels[(c * height + y) * width + x] & 0xFF; }

    /** Writes the image as floats v/255 in [0, 1] into {@code dst[offset ..]}, CHW. */
    public void toFloats(float[] dst, int offset) {
        for (int i = 0; i < pixels.length; i++) dst[offset + i] = (pixels[i] & 0xFF) / 255f;
    }

    /** The rectangle of {@code h × w} pixels whose top-left corner is (top, left). */
    public RawImage crop(int top, int left, int h, int w) {
        if (top < 0 || left < 0 || top + h > height || left + w > width || h <= 0 || w <= 0)
            throw new IllegalArgumentException("RawImage.crop: rows [" + top + ", " + (top + h) + ") × columns ["
                    + left + ", " + (left + w) + ") do not fit in a " + height + "×" + width + " image");
        if (top == 0 && left == 0 && h == height && w == width) return this;
        byte[] out = new byte[channels * h * w];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
                System.arraycopy(pixels, (c * height + top + y) * width + left, out, (c * h + y) * w, w);
        return new RawImage(channels, h, w, out);
    }

    @Override public boolean equals(Object o) {
        return o instanceof RawImage r && r.channels == channels && r.height == height && r.width == width
                && Arrays.equals(r.pixels, pixels);
    }

    @Override public int hashCode() { return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(pixels); }

    @Override public String toString() { return "RawImage(" + channels + "×" + height + "×" + width + ")"; }
}
