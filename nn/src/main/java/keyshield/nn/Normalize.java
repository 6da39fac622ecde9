package keyshield.nn;

import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel input normalisation y[:, c] = (x[:, c] − mean[c]) / std[c] for NCHW images, as the first
 * stage of a model pipeline: attacks see raw pixels in [0, 1] and differentiate through it. No
 * parameters (the constants are not part of the state dict).
 */
public class Normalize extends Module {
    private final double[] mean, std;

    public Normalize(double[] mean, double[] std) {
        if (mean.length != std.length) throw new IllegalArgumentException("Normalize: " + mean.length + " means but " + std.length + " stds");
        for (double s : std) if (!(s > 0)) throw new IllegalArgumentException("Normalize: std must be positive, got " + java.util.Arrays.toString(std));
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** (x − 0.5)/0.5 per channel, the normalisation of the CIFAR stand-in model. */
    public static Normalize half(int channels) {
        double[] h = new double[channels];
        java.util.Arrays.fill(h, 0.5);
        return new Normalize(h, h);
    }

    /** ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225). */
    public static Normalize imagenet() { return new Normalize(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}); }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.size(1) != mean.length)
            throw new ShapeException("normalize: expected (N, " + mean.length + ", H, W) but got " + ShapeException.show(x.shape()));
        DataType d = x.dtype();
        double[] inv = new double[std.length];
        for (int i = 0; i < std.length; i++) inv[i] = 1 / std[i];
        Tensor m = Tensor.constant(Nd4j.create(mean, new long[] {1, mean.length, 1, 1}, d));
        Tensor s = Tensor.constant(Nd4j.create(inv, new long[] {1, inv.length, 1, 1}, d));
        return x.sub(m).mul(s);
    }
}
