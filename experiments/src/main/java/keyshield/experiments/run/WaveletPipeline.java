package keyshield.experiments.run;

import keyshield.nn.Module;
import keyshield.nn.Normalize;
import keyshield.nn.Sequential;
import keyshield.nn.resnet.ResNet;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.WeightFileException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One column of the wavelet defense's table: a ResNet g with or without an input denoiser in front,
 * <pre>
 *   f(x) = g(norm(x))                            without denoising
 *   f(x) = g(norm(clip(denoise(x), 0, 1)))       with denoising (the defense)
 * </pre>
 * as one module of raw images x (B, C, H, W) in [0, 1] → logits (B, K); norm is (x − 0.5) / 0.5 per
 * channel. The denoiser's backward pass is BPDA's identity ({@link keyshield.defense.wavelet.DenoiseTransform#bpda}),
 * so a gradient attack on {@code module} is the adaptive attack; its forward pass is the exact defense.
 * Pipelines with and without a denoiser share the same ResNet object.
 *
 * @param network  the ResNet's name: {@code standard}, or {@code <denoiser>-trained} for one trained on denoised images
 * @param denoiser the input denoiser, or null for none
 * @param resnet   the network g
 * @param module   the whole pipeline
 */
public record WaveletPipeline(String network, Denoiser denoiser, ResNet resnet, Module module) {
    public WaveletPipeline {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(resnet, "resnet");
        Objects.requireNonNull(module, "module");
    }

    /** g(norm(x)), or g(norm(clip(denoise(x)))) when {@code denoiser} is given. */
    public static WaveletPipeline of(String network, ResNet resnet, Denoiser denoiser) {
        Normalize norm = Normalize.half(resnet.config().inChans());
        Module module = denoiser == null ? new Sequential(norm, resnet) : new Sequential(denoiser.transform().asModule(), norm, resnet);
        return new WaveletPipeline(network, denoiser, resnet, module);
    }

    /** The column label: {@code standard}, {@code standard + haar}, {@code haar-trained + haar}. */
    public String label() { return denoiser == null ? network : network + " + " + denoiser.name(); }

    /** Writes the ResNet's weights and BatchNorm statistics (torchvision names) to {@code file} atomically. */
    public static void save(ResNet resnet, Path file, Map<String, String> metadata) throws IOException {
        Safetensors.write(file, resnet.stateDict(), metadata);
    }

    /** Loads weights written by {@link #save} into {@code resnet} (every tensor must match) and sets eval mode. */
    public static ResNet load(ResNet resnet, Path file) throws IOException {
        try {
            resnet.loadStateDict(Safetensors.read(file), true);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(file, "does not fit this ResNet: " + e.getMessage());
        }
        resnet.eval();
        return resnet;
    }
}
