package keyshield.experiments.run;

import keyshield.defense.BlockShuffle;
import keyshield.defense.SecretKey;
import keyshield.lora.Lora;
import keyshield.lora.LoraConfig;
import keyshield.lora.LoraModel;
import keyshield.nn.Module;
import keyshield.nn.Sequential;
import keyshield.tensor.Rng;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The defended classifier of the paper, f_K(x) = g(norm(t_K(x))): the block-wise pixel shuffle with key
 * K, the base model's normalization, and a copy of the pre-trained ViT g, fully trainable or carrying
 * LoRA adapters. With no key it is the plain model g(norm(x)).
 *
 * @param pipeline  raw [0, 1] images → logits
 * @param vit       the ViT inside it (with its adapters, if any)
 * @param lora      the adapters, or null for full fine-tuning and the plain model
 */
public record KeyedModel(Module pipeline, VisionTransformer vit, LoraModel lora) {

    /** The plain pre-trained model, g(norm(x)). */
    public static KeyedModel plain(BaseModel base) throws IOException {
        VisionTransformer vit = base.load();
        return new KeyedModel(new Sequential(base.normalize(), vit), vit, null);
    }

    /** A fresh keyed copy of the pre-trained model, ready to be fine-tuned with {@code tuning}. */
    public static KeyedModel keyed(BaseModel base, SecretKey key, Tuning tuning, LoraConfig loraConfig, Rng rng) throws IOException {
        VisionTransformer vit = base.load();
        LoraModel lora = tuning == Tuning.LORA ? Lora.apply(vit, loraConfig, rng.split("lora")) : null;
        return new KeyedModel(keyedPipeline(base, key, vit), vit, lora);
    }

    /** A trained model as deployed, in eval mode: f_K = g(norm(t_K(x))) with a key, g(norm(x)) without. */
    public static KeyedModel deployed(BaseModel model, Optional<SecretKey> key) throws IOException {
        VisionTransformer vit = model.load();
        KeyedModel m = new KeyedModel(key.isPresent() ? keyedPipeline(model, key.get(), vit) : new Sequential(model.normalize(), vit), vit, null);
        m.pipeline().eval();
        return m;
    }

    private static Module keyedPipeline(BaseModel base, SecretKey key, VisionTransformer vit) {
        return new Sequential(new BlockShuffle(key).asModule(), base.normalize(), vit);
    }

    /** Trainable parameters: all of them for full fine-tuning, the adapters and saved modules for LoRA. */
    public long trainableCount() { return lora == null ? vit.parameterCount() : lora.trainableCount(); }

    /** Writes the ViT's weights (adapters unmerged, under their layer names) to {@code file} atomically. */
    public void save(Path file, Map<String, String> metadata) throws IOException { Safetensors.write(file, vit.stateDict(), metadata); }

    /**
     * Writes the ViT as a plain timm weight file, loadable wherever a ViT loads ({@code ViTWeights.load},
     * {@code ./keyshield predict}): for LoRA every adapter is merged into its base weight, W' = W + (α/r)·B·A,
     * the factors are left out, and the adapters are unmerged again afterwards, so this model is unchanged.
     * Without LoRA it is {@link #save}.
     */
    public void saveMerged(Path file, Map<String, String> metadata) throws IOException {
        if (lora == null) {
            save(file, metadata);
            return;
        }
        lora.merge();
        try {
            LinkedHashMap<String, INDArray> plain = vit.stateDict();
            plain.keySet().removeAll(lora.adapterParameters().keySet());
            Safetensors.write(file, plain, metadata);
        } finally {
            lora.unmerge();
        }
    }

    /** Loads weights written by {@link #save} into this model's ViT; every tensor must match. */
    public KeyedModel load(Path file) throws IOException {
        try {
            vit.loadStateDict(Safetensors.read(file), true);
        } catch (IllegalArgumentException e) {
            throw new keyshield.vit.weights.WeightFileException(file, "does not fit this model: " + e.getMessage());
        }
        pipeline.eval();
        return this;
    }
}
