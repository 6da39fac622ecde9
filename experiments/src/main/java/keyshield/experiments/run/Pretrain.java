package keyshield.experiments.run;

import keyshield.experiments.data.Augmentation;
import keyshield.experiments.data.FashionMnist;
import keyshield.experiments.demo.Demo;
import keyshield.experiments.train.TrainRecipe;
import keyshield.vit.ViTConfig;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Pre-training of a ViT from scratch on plain (unkeyed) images: the model g that keyed fine-tuning
 * starts from. The pipeline is g(norm(x)) on raw [0, 1] images, initialised from {@code seed} (timm's
 * truncated-normal scheme) and trained with {@code recipe}; its weights are written to {@code weights}
 * under timm's names ({@code VisionTransformer.stateDict()}), loadable by {@code ViTWeights.load} with
 * {@code vit.numHeads()} heads and by {@code ./keyshield predict}. The result reports the clean test
 * accuracy of the written file and the test cross-entropy before and after training.
 *
 * @param name            short name, e.g. {@code pretrain-cifar-vit}
 * @param data            training and test images; their shape must be the ViT's input (inChans × imgSize × imgSize)
 * @param vit             the architecture; numClasses must equal the data's classes
 * @param normalization   the input normalization, one value per input channel
 * @param recipe          optimizer, schedule, epochs, augmentation
 * @param trainImages     training images used, spread evenly over the set (0: all)
 * @param testImages      test images, spread evenly (0: all)
 * @param evalBatch       batch size of evaluation
 * @param checkpointEvery training steps between checkpoints
 * @param seed            root of the initialisation, the batches and the augmentations
 * @param weights         the safetensors file the trained weights are written to
 */
public record Pretrain(String name, DataSource data, ViTConfig vit, Normalization normalization, TrainRecipe recipe,
                       int trainImages, int testImages, int evalBatch, int checkpointEvery, long seed, Path weights) implements Experiment {
    public Pretrain {
        String where = "Pretrain " + Fields.name("Pretrain", name);
        Fields.given(where, "data", data);
        Fields.given(where, "vit", vit);
        Fields.given(where, "normalization", normalization);
        Fields.given(where, "recipe", recipe);
        if (vit.numClasses() < 1) throw new IllegalArgumentException(where + ": vit.numClasses must be positive (a classifier) but is " + vit.numClasses());
        if (normalization.channels() != vit.inChans())
            throw new IllegalArgumentException(where + ": normalization has " + normalization.channels() + " channels but vit.inChans is " + vit.inChans());
        Fields.count(where, "trainImages", trainImages);
        Fields.count(where, "testImages", testImages);
        Fields.positive(where, "evalBatch", evalBatch);
        Fields.positive(where, "checkpointEvery", checkpointEvery);
        Fields.safetensors(where, "weights", weights);
    }

    /**
     * The small CIFAR-10 ViT ({@link ViTConfig#cifar}: 32 px, patch 4, width 192, depth 6, 3 heads, 10 classes),
     * normalized (x − 0.5)/0.5, from scratch on the 50,000 CIFAR-10 JPEGs of {@code shared/data/cifar10}:
     * 10 epochs of AdamW (lr 1e-3, weight decay 0.05, batch 128, one-cycle with 10% warm-up, label smoothing
     * 0.1, random crop and flip). Vision Transformers need long schedules from scratch; raise the epochs for
     * accuracy, lower them to try things out. Writes {@code results/vit_cifar_pretrained.safetensors}.
     */
    public static Pretrain cifarVit(Path shared) {
        return new Pretrain("pretrain-cifar-vit", DataSource.Folder.cifar10(shared.resolve("data/cifar10")), ViTConfig.cifar(10),
                Normalization.half(3), new TrainRecipe(10, 128, 1e-3, 0.05, 0.1, 0.1, Augmentation.cifar()), 0, 0, 500, 100, 2026,
                Path.of("results", "vit_cifar_pretrained.safetensors"));
    }

    /**
     * The demo's small ViT ({@link Demo.Settings#standard()}: 32 px, patch 4, width 64, depth 4, 4 heads) on
     * Fashion-MNIST padded to 3×32×32, with the demo's pre-training recipe ({@link Demo#pretrainRecipe}, one
     * epoch over the 60,000 training images) and clean accuracy on 2,000 test images. Writes
     * {@code results/vit_fashion_demo.safetensors}.
     *
     * @param dir the Fashion-MNIST IDX files (Debian's {@link FashionMnist#DEBIAN_DIR})
     */
    public static Pretrain fashionDemo(Path dir) {
        Demo.Settings s = Demo.Settings.standard();
        return new Pretrain("pretrain-fashion-demo", new DataSource.FashionMnistIdx(dir), s.vit(), Normalization.half(3),
                Demo.pretrainRecipe(s.pretrainEpochs()), 0, s.testImages(), 500, 100, s.seed(), Path.of("results", "vit_fashion_demo.safetensors"));
    }

    /** The trained model as a base for fine-tuning and evaluation: the written weights, the head count, the normalization. */
    public BaseModel trained() { return new BaseModel(weights, vit.numHeads(), normalization); }

    @Override
    public void requireInputs() throws IOException { data.requireAvailable(); }
}
