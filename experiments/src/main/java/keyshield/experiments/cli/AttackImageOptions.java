package keyshield.experiments.cli;

import keyshield.experiments.run.Experiment;
import picocli.CommandLine.Option;

/**
 * Which test images the attack commands ({@code eval}, {@code sweep}, a picocli {@code @Mixin}) attack,
 * and the seed of the attacks: positions 0, K, 2K, …, at most N of them.
 */
public final class AttackImageOptions {
    @Option(names = "--every", paramLabel = "K", description = "attack the test images at positions 0, K, 2K, ...") Integer every;
    @Option(names = "--attack-images", paramLabel = "N", description = "attack at most N images (0: no limit)") Integer attackImages;
    @Option(names = "--seed", description = "root of the attacks' randomness") Long seed;

    /** Sets {@code /attackEvery}, {@code /attackImages} and {@code /seed} where given. */
    <E extends Experiment> ExperimentPatch<E> applyTo(ExperimentPatch<E> patch) {
        return patch.set("/attackEvery", every).set("/attackImages", attackImages).set("/seed", seed);
    }
}
