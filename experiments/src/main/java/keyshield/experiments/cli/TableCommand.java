package keyshield.experiments.cli;

import keyshield.experiments.run.Experiment;
import keyshield.experiments.run.ParamTable;
import keyshield.experiments.run.TableOne;
import keyshield.experiments.run.WaveletDefense;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyshield table}: runs a table experiment (a preset or an experiment JSON of any kind), resumable. */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Runs the grid of the paper's Table I (block sizes x {full, LoRA}: clean, white-box, non-adaptive and adaptive",
                "accuracy), its Table II (paramTable: total and trainable parameters) or the wavelet denoising defense (cifarWavelet:",
                "three ResNet-18, transfer FGSM/BIM/DeepFool and adaptive BPDA-PGD) and writes the result JSON and the Markdown",
                "tables. --experiment runs an experiment file of any kind. Every stage is saved in the run directory; after a",
                "crash or a kill, run the same command with --resume to continue where it stopped."})
public final class TableCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarCpu, imagenetPaper, paramTable, cifarWavelet }

    @Option(names = "--preset", description = "cifarCpu, imagenetPaper, paramTable or cifarWavelet") Preset preset;
    @Option(names = "--shared", description = "folder with models/ and data/ (default: ../shared beside the repository)") Path shared;
    @Option(names = "--imagenet", description = "ImageNet folder with train/ and val/ (imagenetPaper)") Path imagenet;
    @Option(names = "--weights", description = "ViT-B/16 ImageNet-21k weights (imagenetPaper)") Path weights;
    @Option(names = "--train-images", description = "use only N training images spread over the set (a quick, scaled-down run)") Integer trainImages;
    @Option(names = "--test-images", description = "use only N test images spread over the set") Integer testImages;
    @Option(names = "--attack-images", description = "attack at most N images") Integer attackImages;
    @Option(names = "--epochs", description = "training (fine-tuning) epochs instead of the preset's") Double epochs;
    @Mixin RunOptions run;

    @Override
    public Integer call() throws Exception {
        Experiment e = run.choose(Experiment.class, preset, this::preset);
        if (trainImages != null || testImages != null || attackImages != null || epochs != null) e = scaledDown(e);
        return run.execute(e);
    }

    /** The experiment with the scaled-down flags applied; a flag not given keeps the experiment's value. */
    private Experiment scaledDown(Experiment e) {
        if (e instanceof TableOne t)
            return t.scaledDown(or(trainImages, t.trainImages()), or(testImages, t.testImages()), or(attackImages, t.attackImages()),
                    epochs != null ? epochs : t.fullRecipe().epochs());
        if (e instanceof WaveletDefense w)
            return w.scaledDown(or(trainImages, w.trainImages()), or(testImages, w.testImages()), or(attackImages, w.attackImages()),
                    epochs != null ? epochs : w.recipe().epochs());
        throw new IllegalArgumentException("--train-images, --test-images, --attack-images and --epochs apply to table-one and wavelet-defense "
                + "experiments, not to " + e.getClass().getSimpleName());
    }

    private static int or(Integer flag, int value) { return flag != null ? flag : value; }

    private Experiment preset() {
        return switch (preset) {
            case cifarCpu -> TableOne.cifarCpu(shared != null ? shared : SharedDir.locate());
            case imagenetPaper -> {
                if (imagenet == null || weights == null)
                    throw new IllegalArgumentException("the imagenetPaper preset needs --imagenet DIR (with train/ and val/) and --weights FILE "
                            + "(timm's vit_base_patch16_224.augreg_in21k with a 1000-class head)");
                yield TableOne.imagenetPaper(imagenet, weights);
            }
            case paramTable -> ParamTable.paper();
            case cifarWavelet -> WaveletDefense.cifarWavelet(shared != null ? shared : SharedDir.locate());
        };
    }
}
