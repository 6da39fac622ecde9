package keyshield.experiments.run;

import keyshield.attacks.AttackSpec;
import keyshield.attacks.AutoAttack;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.experiments.data.Augmentation;
import keyshield.experiments.train.TrainRecipe;
import keyshield.lora.LoraConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The grid of the paper's Table I: for each block size M and each way of fine-tuning (full, LoRA), a
 * model fine-tuned from the pre-trained one on images shuffled with a secret key, and its clean accuracy
 * and robust accuracy under three threat models:
 * <ul>
 *   <li><b>white-box</b>: examples crafted on the keyed model itself, key included;</li>
 *   <li><b>non-adaptive</b>: examples crafted on the plain pre-trained model;</li>
 *   <li><b>adaptive</b>: examples crafted on a substitute that the attacker fine-tuned the same way
 *       ({@code tuning}, recipe) with a guessed key.</li>
 * </ul>
 * The plain model's row has its clean and white-box accuracy. Keys are derived from {@code seed}
 * ({@code SecretKey.fromSeed}), so the table is reproducible; results hold only their fingerprints.
 *
 * @param name            short name, e.g. {@code cifar-cpu}
 * @param data            training and test images
 * @param base            the pre-trained model
 * @param blockSizes      M values; each must divide the image side
 * @param tunings         FULL and/or LORA
 * @param fullRecipe      recipe of full fine-tuning
 * @param loraRecipe      recipe of LoRA fine-tuning
 * @param lora            the adapters of LoRA fine-tuning
 * @param attacks         one attack, or several run as an ensemble (AutoAttack)
 * @param threat          norm and ε
 * @param trainImages     training images used, spread evenly over the set (0: all)
 * @param testImages      test images for clean accuracy, spread evenly (0: all)
 * @param attackEvery     attacked images are test positions 0, attackEvery, 2·attackEvery, …
 * @param attackImages    at most this many attacked images (0: no limit)
 * @param evalBatch       batch size of clean evaluation
 * @param attackBatch     batch size of attacks
 * @param checkpointEvery training steps between checkpoints
 * @param seed            the root of every random choice (initialisation, batches, keys, attacks)
 */
public record TableOne(String name, DataSource data, BaseModel base, List<Integer> blockSizes, List<Tuning> tunings,
                       TrainRecipe fullRecipe, TrainRecipe loraRecipe, LoraConfig lora, List<AttackSpec> attacks, ThreatModel threat,
                       int trainImages, int testImages, int attackEvery, int attackImages, int evalBatch, int attackBatch,
                       int checkpointEvery, long seed) implements Experiment {
    public TableOne {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("TableOne: name must be given");
        Objects.requireNonNull(data, "TableOne: data");
        Objects.requireNonNull(base, "TableOne: base");
        Objects.requireNonNull(fullRecipe, "TableOne: fullRecipe");
        Objects.requireNonNull(loraRecipe, "TableOne: loraRecipe");
        Objects.requireNonNull(lora, "TableOne: lora");
        Objects.requireNonNull(threat, "TableOne: threat");
        blockSizes = List.copyOf(blockSizes);
        tunings = List.copyOf(tunings);
        attacks = List.copyOf(attacks);
        if (blockSizes.isEmpty()) throw new IllegalArgumentException("TableOne " + name + ": no block sizes");
        for (int m : blockSizes) if (m < 1) throw new IllegalArgumentException("TableOne " + name + ": block size must be positive but is " + m);
        if (blockSizes.stream().distinct().count() != blockSizes.size()) throw new IllegalArgumentException("TableOne " + name + ": repeated block sizes " + blockSizes);
        if (tunings.isEmpty() || tunings.stream().distinct().count() != tunings.size())
            throw new IllegalArgumentException("TableOne " + name + ": tunings must be FULL and/or LORA, each once, but are " + tunings);
        if (attacks.isEmpty()) throw new IllegalArgumentException("TableOne " + name + ": no attacks");
        for (int v : new int[] {trainImages, testImages, attackImages})
            if (v < 0) throw new IllegalArgumentException("TableOne " + name + ": image counts must be ≥ 0 (0 = all) but are " + List.of(trainImages, testImages, attackImages));
        if (attackEvery < 1 || evalBatch < 1 || attackBatch < 1 || checkpointEvery < 1)
            throw new IllegalArgumentException("TableOne " + name + ": attackEvery " + attackEvery + ", evalBatch " + evalBatch + ", attackBatch "
                    + attackBatch + " and checkpointEvery " + checkpointEvery + " must be positive");
    }

    /** The paper's fine-tuning augmentation on raw images: 4-pixel reflect-padded random crop, horizontal flip. */
    private static List<Augmentation> cifarAugment() { return Augmentation.cifar(); }

    /** L∞ PGD with eps 8/255: 10 steps of 2/255, random start, mean cross-entropy. */
    public static PgdSpec pgd10() { return new PgdSpec(10, 2.0 / 255, true, LossReduction.MEAN, Targeting.UNTARGETED); }

    /**
     * The small-scale reproduction this machine runs: the CIFAR-10 stand-in ViT ({@code models/vit_cifar_plain.safetensors},
     * normalized (x − 0.5)/0.5), M ∈ {4, 8}, full fine-tuning (AdamW lr 3e-4, weight decay 0.05) and LoRA
     * (r 16, alpha 16 on qkv and the patch embedding, head trainable; lr 1e-3, no weight decay), 2 epochs
     * over the 50,000 training images at batch 128 under a one-cycle schedule (10% warm-up), label smoothing
     * 0.1, random crop and flip; clean accuracy on all 10,000 test images; L∞ PGD-10 (eps 8/255) on the
     * 1,000 test images at positions 0, 10, 20, … (100 per class).
     *
     * @param shared the folder holding {@code models/} and {@code data/cifar10}
     */
    public static TableOne cifarCpu(Path shared) {
        List<Augmentation> aug = cifarAugment();
        return new TableOne("cifar-cpu", DataSource.Folder.cifar10(shared.resolve("data/cifar10")),
                BaseModel.cifarPlain(shared.resolve("models/vit_cifar_plain.safetensors")), List.of(4, 8), List.of(Tuning.FULL, Tuning.LORA),
                TrainRecipe.fullFinetune(aug), TrainRecipe.loraFinetune(aug), LoraConfig.paper(16), List.of(pgd10()), ThreatModel.linf(8.0 / 255),
                0, 0, 10, 0, 500, 100, 50, 2026);
    }

    /**
     * The paper's setting, for a user with ImageNet and a GPU: ViT-B/16 ImageNet-21k weights at 224 px,
     * M ∈ {4, 8, 16}, full and LoRA (r 16) fine-tuning, AutoAttack standard L∞ 4/255 on 5,000 validation
     * images (every 10th of the 50,000). The fine-tuning schedule (5 epochs at batch 64, AdamW lr 1e-4 with
     * weight decay 0.05 for full fine-tuning, 1e-3 without for LoRA, horizontal flips) is our choice for a
     * GPU budget, not a figure from the paper; edit it through {@code --print-experiment}.
     *
     * @param imagenet the ImageNet folder ({@code train/}, {@code val/})
     * @param weights  timm's {@code vit_base_patch16_224.augreg_in21k} weights with a 1000-class head
     */
    public static TableOne imagenetPaper(Path imagenet, Path weights) {
        List<Augmentation> aug = List.of(new keyshield.experiments.data.HorizontalFlip(0.5));
        return new TableOne("imagenet-paper", DataSource.Folder.imagenet(imagenet), BaseModel.vitB16In21k(weights), List.of(4, 8, 16),
                List.of(Tuning.FULL, Tuning.LORA), new TrainRecipe(5, 64, 1e-4, 0.05, 0.1, 0.1, aug), new TrainRecipe(5, 64, 1e-3, 0, 0.1, 0.1, aug),
                LoraConfig.paper(16), AutoAttack.standard(), ThreatModel.linf(4.0 / 255), 0, 0, 10, 5000, 64, 32, 200, 2026);
    }

    /** The same grid on evenly spread subsets of the data, with shorter training: for tests and trying things out. */
    public TableOne scaledDown(int trainImages, int testImages, int attackImages, double epochs) {
        return new TableOne(name, data, base, blockSizes, tunings, fullRecipe.withEpochs(epochs), loraRecipe.withEpochs(epochs), lora, attacks,
                threat, trainImages, testImages, attackEvery, attackImages, evalBatch, attackBatch, checkpointEvery, seed);
    }

    @Override
    public void requireInputs() throws IOException {
        data.requireAvailable();
        base.requireAvailable();
    }
}
