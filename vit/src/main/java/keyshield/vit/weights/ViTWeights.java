package keyshield.vit.weights;

import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns a weight file of any supported format into a {@link VisionTransformer}: the format is chosen by
 * extension ({@code .safetensors}, {@code .onnx}, Google {@code .npz}), the architecture is inferred
 * from the tensor shapes (and the head count from the graph, the checkpoint, or the caller), every
 * parameter is checked by name and shape, and the model is loaded all-or-nothing.
 */
public final class ViTWeights {
    private ViTWeights() {}

    /** A state dict with the head count the file itself shows, if any. */
    public record StateDict(LinkedHashMap<String, INDArray> tensors, OptionalInt numHeads) {}

    /** Reads the timm state dict of a .safetensors, .onnx or Google .npz file. */
    public static StateDict read(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".safetensors")) return new StateDict(HfNames.toTimm(Safetensors.read(file), file), OptionalInt.empty());
        if (name.endsWith(".onnx")) {
            OnnxWeights.Imported i = OnnxWeights.read(file);
            return new StateDict(i.stateDict(), i.numHeads());
        }
        if (name.endsWith(".npz")) {
            GoogleNpz.Converted c = GoogleNpz.read(file);
            return new StateDict(c.stateDict(), OptionalInt.of(c.numHeads()));
        }
        throw new WeightFileException(file, "unknown weight format; expected .safetensors, .onnx or .npz");
    }

    /**
     * Loads {@code file} into a new model computing in {@code dtype}. {@code numHeads} is required when
     * the file does not show it (safetensors); if both give it they must agree.
     */
    public static VisionTransformer load(Path file, OptionalInt numHeads, DataType dtype) throws IOException {
        StateDict sd = read(file);
        int heads;
        if (sd.numHeads().isPresent() && numHeads.isPresent() && sd.numHeads().getAsInt() != numHeads.getAsInt())
            throw new WeightFileException(file, "the file's attention has " + sd.numHeads().getAsInt() + " heads but " + numHeads.getAsInt() + " were asked for");
        if (sd.numHeads().isPresent()) heads = sd.numHeads().getAsInt();
        else if (numHeads.isPresent()) heads = numHeads.getAsInt();
        else throw new WeightFileException(file, "the number of heads cannot be read from this format; give it (--heads N)");
        ViTConfig config = inferConfig(sd.tensors(), heads, file);
        requireValuesFor(config, sd.tensors(), file);
        VisionTransformer model = new VisionTransformer(config, Rng.seeded(0), dtype);
        try {
            model.loadStateDict(sd.tensors(), true);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(file, e.getMessage());
        }
        return model;
    }

    /** The architecture implied by a timm state dict's shapes and a head count. */
    public static ViTConfig inferConfig(Map<String, INDArray> sd, int numHeads, Path file) throws WeightFileException {
        if (numHeads < 1) throw new WeightFileException(file, numHeads + " attention heads is not a positive count");
        INDArray patch = require(sd, "patch_embed.proj.weight", 4, file), pos = require(sd, "pos_embed", 3, file);
        long dim = patch.size(0), chans = patch.size(1), p = patch.size(2);
        if (patch.size(3) != p) throw new WeightFileException(file, "patch_embed.proj.weight must have a square kernel but has shape " + java.util.Arrays.toString(patch.shape()));
        boolean cls = sd.containsKey("cls_token");
        long grid2 = pos.size(1) - (cls ? 1 : 0);
        long grid = Math.round(Math.sqrt(grid2));
        if (grid * grid != grid2) throw new WeightFileException(file, "pos_embed has " + pos.size(1) + " tokens, which is not a square grid" + (cls ? " plus a class token" : ""));
        int depth = 0;
        while (sd.containsKey("blocks." + depth + ".norm1.weight")) depth++;
        if (depth == 0) throw new WeightFileException(file, "no blocks.0.* tensors: not a timm ViT state dict");
        INDArray fc1 = require(sd, "blocks.0.mlp.fc1.weight", 2, file);
        INDArray head = sd.get("head.weight");
        int classes = head == null ? 0 : size(head.size(0), "head.weight's class count", file);
        if (dim % numHeads != 0) throw new WeightFileException(file, "embedding width " + dim + " is not divisible by " + numHeads + " heads");
        try {
            int patchSize = size(p, "patch size", file);
            return new ViTConfig(size(size(grid, "grid side", file) * (long) patchSize, "image size", file), patchSize, size(chans, "channel count", file), classes,
                    size(dim, "embedding width", file), depth, numHeads,
                    (double) fc1.size(0) / dim, sd.containsKey("blocks.0.attn.qkv.bias"), 0, 0, cls,
                    cls ? ViTConfig.GlobalPool.TOKEN : ViTConfig.GlobalPool.AVG);
        } catch (IllegalArgumentException e) {
            throw new WeightFileException(file, "inconsistent architecture: " + e.getMessage());
        }
    }

    /**
     * Refuses an architecture that needs more parameters than the state dict holds values. A strict load
     * needs every parameter from the file anyway; checking first means shapes alone (e.g. of empty
     * tensors) cannot make the model allocate memory that the file's size does not account for.
     */
    private static void requireValuesFor(ViTConfig config, Map<String, INDArray> sd, Path file) throws WeightFileException {
        long have = sd.values().stream().mapToLong(INDArray::length).sum();
        long need;
        try {
            need = config.parameterCount();
        } catch (ArithmeticException e) {
            need = Long.MAX_VALUE;
        }
        if (need > have)
            throw new WeightFileException(file, "the shapes imply a ViT of " + (need == Long.MAX_VALUE ? "more than 2^63" : need)
                    + " parameters but the file holds only " + have + " values");
    }

    /** A size read from a shape, as the int a {@link ViTConfig} takes. */
    private static int size(long v, String what, Path file) throws WeightFileException {
        if (v < 0 || v > Integer.MAX_VALUE) throw new WeightFileException(file, what + " " + v + " is not a possible size");
        return (int) v;
    }

    private static INDArray require(Map<String, INDArray> sd, String name, int rank, Path file) throws WeightFileException {
        INDArray a = sd.get(name);
        if (a == null) throw new WeightFileException(file, "missing tensor '" + name + "'");
        if (a.rank() != rank) throw new WeightFileException(file, "tensor '" + name + "' must have rank " + rank + " but has shape " + java.util.Arrays.toString(a.shape()));
        return a;
    }
}
