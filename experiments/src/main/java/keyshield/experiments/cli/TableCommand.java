package keyshield.experiments.cli;

import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.Experiment;
import keyshield.experiments.run.Runner;
import keyshield.experiments.run.TableOne;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyshield table}: runs a table experiment (a preset or an experiment JSON), resumable. */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Runs the grid of the paper's Table I (block sizes x {full, LoRA}: clean, white-box, non-adaptive and adaptive",
                "accuracy) and writes the result JSON and the Markdown table. Every stage is saved in the run directory;",
                "after a crash or a kill, run the same command with --resume to continue where it stopped."})
public final class TableCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarCpu, imagenetPaper }

    static final class Source {
        @Option(names = "--preset", description = "cifarCpu or imagenetPaper") Preset preset;
        @Option(names = "--experiment", description = "an experiment JSON file (see --print-experiment)") Path experiment;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--shared", description = "folder with models/ and data/ (default: ../shared beside the repository)") Path shared;
    @Option(names = "--imagenet", description = "ImageNet folder with train/ and val/ (imagenetPaper)") Path imagenet;
    @Option(names = "--weights", description = "ViT-B/16 ImageNet-21k weights (imagenetPaper)") Path weights;
    @Option(names = "--run-dir", description = "where stages and checkpoints are kept (default results/<name>.run)") Path runDir;
    @Option(names = "--resume", description = "continue the run in --run-dir") boolean resume;
    @Option(names = "--out", description = "result JSON (default results/<name>.json)") Path out;
    @Option(names = "--train-images", description = "use only the first N training images (a quick, scaled-down run)") Integer trainImages;
    @Option(names = "--test-images", description = "use only the first N test images") Integer testImages;
    @Option(names = "--attack-images", description = "attack at most N images") Integer attackImages;
    @Option(names = "--epochs", description = "fine-tuning epochs instead of the preset's") Double epochs;
    @Option(names = "--print-experiment", description = "print the experiment as JSON and exit (edit it, then pass it with --experiment)") boolean print;

    @Override
    public Integer call() throws Exception {
        Experiment e = source.experiment != null ? Runner.read(source.experiment) : preset();
        if (trainImages != null || testImages != null || attackImages != null || epochs != null) {
            if (!(e instanceof TableOne t)) throw new IllegalArgumentException("--train-images, --test-images, --attack-images and --epochs apply to table-one experiments");
            e = t.scaledDown(trainImages != null ? trainImages : t.trainImages(), testImages != null ? testImages : t.testImages(),
                    attackImages != null ? attackImages : t.attackImages(), epochs != null ? epochs : t.fullRecipe().epochs());
        }
        if (print) {
            spec.commandLine().getOut().println(ResultFiles.JSON.writeValueAsString(e));
            spec.commandLine().getOut().flush();
            return 0;
        }
        Path dir = runDir != null ? runDir : Path.of("results", e.name() + ".run");
        Runner.run(e, dir, resume, out != null ? out : Path.of("results", e.name() + ".json"), System.out);
        return 0;
    }

    private Experiment preset() {
        return switch (source.preset) {
            case cifarCpu -> TableOne.cifarCpu(shared != null ? shared : SharedDir.locate());
            case imagenetPaper -> {
                if (imagenet == null || weights == null)
                    throw new IllegalArgumentException("the imagenetPaper preset needs --imagenet DIR (with train/ and val/) and --weights FILE "
                            + "(timm's vit_base_patch16_224.augreg_in21k with a 1000-class head)");
                yield TableOne.imagenetPaper(imagenet, weights);
            }
        };
    }
}
