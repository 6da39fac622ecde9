package keyshield.experiments.data;

/**
 * PIL's separable resampling ({@code ImagingResample}) transcribed for 8-bit planar images, so that a
 * resize here gives the bytes torchvision's {@code Resize} gives on a PIL image.
 *
 * <p>Per axis, with scale s = inSize / outSize and filter scale f = max(s, 1) (a wider, antialiasing
 * kernel when shrinking), output pixel i is centred at input coordinate c = (i + 0.5)·s and is the
 * normalised sum over input pixels j ∈ [⌊c − f·support + 0.5⌋, ⌊c + f·support + 0.5⌋) ∩ [0, inSize)
 * of filter((j − c + 0.5) / f) · in[j]. Weights are normalised to sum to 1, then turned into fixed point
 * with 22 fractional bits; each pass rounds (half up) and clamps to 0..255. The horizontal pass runs
 * first, over the rows the vertical pass will read, then the vertical pass; an axis whose size does not
 * change is not resampled at all.
 */
public final class Resize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resize() {}

    /** Resamples {@code img} to {@code outH × outW} with {@code filter}. */
    public static RawImage resize(RawImage img, int outH, int outW, Interpolation filter) {
        if (outH <= 0 || outW <= 0)
            throw new IllegalArgumentException("Resize: output size must be positive, got " + outH + "×" + outW);
        int c = img.channels(), h = img.height(), w = img.width();
        if (outH == h && outW == w) return img;
        Coefficients horiz = Coefficients.of(w, outW, filter);
        Coefficients vert = Coefficients.of(h, outH, filter);
        byte[] src = img.pixels();
        int rows = h, firstRow = 0;
        if (outW != w) {
            firstRow = vert.start[0];
            int lastRow = vert.start[outH - 1] + vert.count[outH - 1];
            rows = lastRow - firstRow;
            byte[] tmp = new byte[c * rows * outW];
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < rows; y++)
                    pass(src, (ch * h + firstRow + y) * w, 1, horiz, tmp, (ch * rows + y) * outW, 1, outW);
            src = tmp;
            w = outW;
        }
        if (outH == h) return new RawImage(c, h, w, src);
        byte[] out = new byte[c * outH * w];
        for (int ch = 0; ch < c; ch++)
            for (int x = 0; x < w; x++)
                pass(src, ch * rows * w + x - firstRow * w, w, vert, out, ch * outH * w + x, w, outH);
        return new RawImage(c, outH, w, out);
    }

    /** Resamples one line: in[inBase + j·inStride] → out[outBase + i·outStride], i < outSize. */
    private static void pass(byte[] in, int inBase, int inStride, Coefficients k, byte[] out, int outBase,
                             int outStride, int outSize) {
        for (int i = 0; i < outSize; i++) {
            long acc = 1L << (PRECISION_BITS - 1);                 // + 0.5 for rounding
            int start = k.start[i], off = i * k.width;
            for (int t = 0; t < k.count[i]; t++)
                acc += (long) (in[inBase + (start + t) * inStride] & 0xFF) * k.weights[off + t];
            long v = acc >> PRECISION_BITS;
            out[outBase + i * outStride] = (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }

    /** Per output pixel: first input index, number of taps, fixed-point weights. */
    private record Coefficients(int[] start, int[] count, int[] weights, int width) {
        static Coefficients of(int inSize, int outSize, Interpolation filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support() * filterScale;
            int width = (int) Math.ceil(support) * 2 + 1;
            int[] start = new int[outSize], count = new int[outSize], weights = new int[outSize * width];
            double[] k = new double[width];
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                int lo = Math.max((int) (center - support + 0.5), 0);      // C's truncating cast, as PIL
                int hi = Math.min((int) (center + support + 0.5), inSize);
                int n = hi - lo;
                double sum = 0;
                for (int t = 0; t < n; t++) {
                    k[t] = filter.weight((t + lo - center + 0.5) / filterScale);
                    sum += k[t];
                }
                for (int t = 0; t < n; t++) {
                    double v = sum != 0 ? k[t] / sum : k[t];
                    double fixed = v * (1 << PRECISION_BITS);
                    weights[i * width + t] = (int) (v < 0 ? fixed - 0.5 : fixed + 0.5);
                }
                start[i] = lo;
                count[i] = n;
            }
            return new Coefficients(start, count, weights, width);
        }
    }
}
