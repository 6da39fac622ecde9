package keyshield.experiments.data;

/**
 * Resampling filters as PIL defines them ({@code Image.BICUBIC}, {@code Image.BILINEAR}), because timm's
 * eval transform resizes PIL images: the filter's support grows with the downscaling factor (an
 * antialiasing low-pass), see {@link Resize}.
 */
public enum Interpolation {
    /** Keys' cubic convolution with a = −0.5 (PIL's choice; OpenCV uses −0.75), support 2. */
    BICUBIC(2.0) {
        @Override double weight(double x) {
            final double a = -0.5;
            x = Math.abs(x);
            if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
            if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
            return 0.0;
        }
    },
    /** The triangle filter, support 1. */
    BILINEAR(1.0) {
        @Override double weight(double x) {
            x = Math.abs(x);
            return x < 1.0 ? 1.0 - x : 0.0;
        }
    };

    private final double support;

    Interpolation(double support) { this.support = support; }

    /** Half-width of the filter at scale 1, in input pixels. */
    public double support() { return support; }

    /** The filter kernel at distance x (in input pixels at scale 1). */
    abstract double weight(double x);
}
