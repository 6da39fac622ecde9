package keyshield.experiments.cli;

import keyshield.experiments.run.Experiment;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The flags of the training commands ({@code pretrain}, {@code finetune}, a picocli {@code @Mixin}): each
 * one given replaces the field of the same meaning in the experiment (see {@link ExperimentPatch}).
 */
public final class TrainingOptions {
    @Option(names = "--weights", paramLabel = "FILE", description = "the .safetensors file to write") Path weights;
    @Option(names = "--epochs", description = "training epochs instead of the preset's") Double epochs;
    @Option(names = "--train-images", paramLabel = "N", description = "train on N images spread over the set (0: all)") Integer trainImages;
    @Option(names = "--test-images", paramLabel = "N", description = "evaluate on N test images spread over the set (0: all)") Integer testImages;
    @Option(names = "--seed", description = "root of every random choice") Long seed;

    /** Sets {@code /weights}, {@code /recipe/epochs}, {@code /trainImages}, {@code /testImages} and {@code /seed} where given. */
    <E extends Experiment> ExperimentPatch<E> applyTo(ExperimentPatch<E> patch) {
        return patch.set("/weights", weights).set("/recipe/epochs", epochs).set("/trainImages", trainImages).set("/testImages", testImages)
                .set("/seed", seed);
    }
}
