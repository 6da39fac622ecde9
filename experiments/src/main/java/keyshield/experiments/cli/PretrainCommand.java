package keyshield.experiments.cli;

import keyshield.experiments.data.FashionMnist;
import keyshield.experiments.run.Pretrain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyshield pretrain}: trains a ViT from scratch on plain images and writes a timm weight file (resumable). */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Trains a ViT from scratch on plain (unkeyed) images, writes its weights as a timm-named safetensors file",
                "(loadable by 'predict', 'finetune' and 'eval' with the ViT's head count) and reports its clean test accuracy.",
                "Presets: cifarVit (the CIFAR ViT on ../shared/data/cifar10), fashionDemo (the demo's small ViT on Fashion-MNIST)."})
public final class PretrainCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarVit, fashionDemo }

    @Option(names = "--preset", description = "${COMPLETION-CANDIDATES}") Preset preset;
    @Option(names = "--shared", paramLabel = "DIR", description = "folder with data/cifar10 (cifarVit; default: ../shared beside the repository)") Path shared;
    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST IDX folder (fashionDemo; default /usr/share/datasets/fashion-mnist)") Path data;
    @Mixin TrainingOptions training;
    @Mixin RunOptions run;

    @Override
    public Integer call() throws Exception {
        if (data != null && preset != Preset.fashionDemo) throw new IllegalArgumentException("--data applies to --preset fashionDemo");
        Pretrain p = run.choose(Pretrain.class, preset, () -> switch (preset) {
            case cifarVit -> Pretrain.cifarVit(shared != null ? shared : SharedDir.locate());
            case fashionDemo -> Pretrain.fashionDemo(data != null ? data : FashionMnist.DEBIAN_DIR);
        });
        return run.execute(training.applyTo(ExperimentPatch.of(Pretrain.class, p)).build());
    }
}
