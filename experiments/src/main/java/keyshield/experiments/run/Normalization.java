package keyshield.experiments.run;

import keyshield.nn.Normalize;

import java.util.Collections;
import java.util.List;

/**
 * The input normalization a ViT is trained with, x̂_c = (x_c − mean_c) / std_c per channel c. It is the
 * first stage of the model pipeline ({@link #module()}), not a preprocessing step, so that attacks and
 * keys work on raw [0, 1] pixels and differentiate through it.
 *
 * @param mean per-channel mean
 * @param std  per-channel standard deviation, each &gt; 0; as many values as {@code mean}
 */
public record Normalization(List<Double> mean, List<Double> std) {
    public Normalization {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != std.size() || mean.isEmpty())
            throw new IllegalArgumentException("normalization: mean " + mean + " and std " + std + " need one value per channel each");
        for (double s : std) if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException("normalization: std values must be finite and > 0 but are " + std);
        for (double m : mean) if (!Double.isFinite(m)) throw new IllegalArgumentException("normalization: mean values must be finite but are " + mean);
    }

    /** (x − 0.5) / 0.5 on every channel: [0, 1] → [−1, 1], as timm's in21k ViTs and the CIFAR stand-in. */
    public static Normalization half(int channels) {
        List<Double> h = Collections.nCopies(channels, 0.5);
        return new Normalization(h, h);
    }

    /** Number of channels. */
    public int channels() { return mean.size(); }

    /** The normalization module. */
    public Normalize module() {
        return new Normalize(mean.stream().mapToDouble(Double::doubleValue).toArray(), std.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
