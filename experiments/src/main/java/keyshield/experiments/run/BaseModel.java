package keyshield.experiments.run;

import keyshield.nn.Normalize;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A pre-trained ViT to start from: its weight file (safetensors, ONNX or Google .npz, see
 * {@link ViTWeights}), its head count when the format does not show it, and the input normalization it
 * was trained with, x̂_c = (x_c − mean_c) / std_c, which is part of the model pipeline so that attacks
 * work in [0, 1] pixel space.
 *
 * @param weights  the weight file
 * @param numHeads attention heads
 * @param mean     per-channel mean
 * @param std      per-channel standard deviation, each &gt; 0
 */
public record BaseModel(Path weights, int numHeads, List<Double> mean, List<Double> std) {
    public BaseModel {
        Objects.requireNonNull(weights, "base model weights");
        if (numHeads < 1) throw new IllegalArgumentException("base model " + weights + ": numHeads must be positive but is " + numHeads);
        try {
            Normalization n = new Normalization(mean, std);
            mean = n.mean();
            std = n.std();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base model " + weights + ": " + e.getMessage(), e);
        }
    }

    /** A weight file with its head count and normalization. */
    public BaseModel(Path weights, int numHeads, Normalization normalization) { this(weights, numHeads, normalization.mean(), normalization.std()); }

    /** The CIFAR stand-in ({@code vit_cifar_plain}): 3 heads, normalized as (x − 0.5) / 0.5. */
    public static BaseModel cifarPlain(Path weights) { return new BaseModel(weights, 3, Normalization.half(3)); }

    /** A timm ViT-B/16 ImageNet-21k checkpoint ({@code augreg_in21k}: mean = std = 0.5). */
    public static BaseModel vitB16In21k(Path weights) { return new BaseModel(weights, 12, Normalization.half(3)); }

    /** A fresh float32 copy of the pre-trained ViT. */
    public VisionTransformer load() throws IOException { return ViTWeights.load(weights, OptionalInt.of(numHeads), DataType.FLOAT); }

    /** The input normalization, x̂ = (x − mean) / std. */
    public Normalization normalization() { return new Normalization(mean, std); }

    /** The normalization module. */
    public Normalize normalize() { return normalization().module(); }

    /** Throws a {@link FileNotFoundException} naming the weight file when it is missing. */
    public void requireAvailable() throws IOException {
        if (!Files.isRegularFile(weights))
            throw new FileNotFoundException("pre-trained weights " + weights + " not found (" + numHeads + " heads); "
                    + "download them (e.g. timm's safetensors) and give their path");
    }
}
