package keyshield.experiments.run;

import keyshield.experiments.data.Augmentation;
import keyshield.experiments.train.TrainRecipe;
import keyshield.lora.LoraConfig;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Keyed fine-tuning of a pre-trained model (paper §III-D): a copy of g is fine-tuned, every weight or
 * through LoRA adapters, on training images transformed with the secret key K, so that the defended
 * model is f_K(x) = g′(norm(t_K(x))). The result reports clean accuracy on the keyed test images.
 *
 * <p>Outputs: {@code weights}, a plain timm ViT file (for LoRA the adapters merged into the base,
 * W′ = W + (α/r)·B·A), loadable everywhere a ViT loads and, with the key, evaluated by {@link RobustEval};
 * for LoRA also the adapter alone in peft's layout ({@link #adapterDir()}), tagged with the key's
 * fingerprint. Neither the files nor the result hold key material.
 *
 * @param name            short name, e.g. {@code finetune-cifar-m4-lora}
 * @param data            training and test images
 * @param base            the pre-trained model
 * @param key             a key file, or a seeded key; not {@link KeySource.None}
 * @param tuning          FULL or LORA
 * @param recipe          optimizer, schedule, epochs, augmentation
 * @param lora            the adapters: given for LORA, absent (null) for FULL
 * @param trainImages     training images used, spread evenly over the set (0: all)
 * @param testImages      test images for clean accuracy, spread evenly (0: all)
 * @param evalBatch       batch size of evaluation
 * @param checkpointEvery training steps between checkpoints
 * @param seed            root of LoRA's initialisation, the batches and the augmentations
 * @param weights         the safetensors file the fine-tuned (merged) ViT is written to
 */
public record KeyedFinetune(String name, DataSource data, BaseModel base, KeySource key, Tuning tuning, TrainRecipe recipe, LoraConfig lora,
                            int trainImages, int testImages, int evalBatch, int checkpointEvery, long seed, Path weights) implements Experiment {
    public KeyedFinetune {
        String where = "KeyedFinetune " + Fields.name("KeyedFinetune", name);
        Fields.given(where, "data", data);
        Fields.given(where, "base", base);
        Fields.given(where, "key", key);
        if (key instanceof KeySource.None)
            throw new IllegalArgumentException(where + ": key must be a key file or a seeded key, not none (fine-tuning without a key is not a keyed defense)");
        Fields.given(where, "tuning", tuning);
        Fields.given(where, "recipe", recipe);
        if (tuning == Tuning.LORA && lora == null) throw new IllegalArgumentException(where + ": lora must be given for LORA tuning");
        if (tuning == Tuning.FULL && lora != null) throw new IllegalArgumentException(where + ": lora must be absent (null) for FULL tuning but is " + lora);
        Fields.count(where, "trainImages", trainImages);
        Fields.count(where, "testImages", testImages);
        Fields.positive(where, "evalBatch", evalBatch);
        Fields.positive(where, "checkpointEvery", checkpointEvery);
        Fields.safetensors(where, "weights", weights);
    }

    /**
     * The cifarCpu recipe of {@link TableOne} for one model: the CIFAR stand-in ({@code shared/models/vit_cifar_plain.safetensors})
     * fine-tuned with the seeded key of block size 4 (the key {@link TableOne#cifarCpu} uses for M = 4),
     * 2 epochs over the 50,000 training images; FULL: AdamW lr 3e-4, weight decay 0.05; LORA: r 16 on qkv
     * and the patch embedding, head trainable, lr 1e-3. Writes {@code results/vit_cifar_m4_<tuning>.safetensors}.
     */
    public static KeyedFinetune cifar(Path shared, Tuning tuning) {
        var aug = Augmentation.cifar();
        long seed = 2026;
        return new KeyedFinetune("finetune-cifar-m4-" + tuning.label(), DataSource.Folder.cifar10(shared.resolve("data/cifar10")),
                BaseModel.cifarPlain(shared.resolve("models/vit_cifar_plain.safetensors")), new KeySource.Seeded(4, seed), tuning,
                tuning == Tuning.FULL ? TrainRecipe.fullFinetune(aug) : TrainRecipe.loraFinetune(aug), tuning == Tuning.LORA ? LoraConfig.paper(16) : null,
                0, 0, 500, 50, seed, Path.of("results", "vit_cifar_m4_" + tuning.label() + ".safetensors"));
    }

    /**
     * The LoRA adapter's directory beside {@code weights}: {@code vit_cifar_m4_lora.safetensors} →
     * {@code vit_cifar_m4_lora.adapter/} ({@code adapter_model.safetensors}, {@code adapter_config.json}).
     */
    public Path adapterDir() {
        String file = weights.getFileName().toString();
        return weights.resolveSibling(file.substring(0, file.length() - ".safetensors".length()) + ".adapter");
    }

    /** The fine-tuned model as deployed: the written weights with the base's head count and normalization, and the key. */
    public DefendedModel trained() { return new DefendedModel(name, new BaseModel(weights, base.numHeads(), base.normalization()), key); }

    @Override
    public void requireInputs() throws IOException {
        data.requireAvailable();
        base.requireAvailable();
        key.requireAvailable();
    }
}
