package keyshield.attacks;

import keyshield.tensor.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An attack algorithm. Its only operation is package-private: results are produced solely by
 * {@link Attacks#run}, which checks and recounts whatever the algorithm returns. Build one from its
 * options with {@link AttackSpec#build()}.
 */
public abstract sealed class Attack permits Fgsm, Pgd, Apgd, Fab, Square, DeepFool {

    /** What an algorithm hands back: candidate points (B, D) and the targets it aimed at (or null). */
    record Output(INDArray xAdv, int[] targets) {}

    /** The options this attack was built from. */
    public abstract AttackSpec spec();

    /** A short name for reports, e.g. "apgd-ce". */
    public abstract String name();

    /** Runs the algorithm on the clean rows of {@code p}; the harness projects and recounts afterwards. */
    abstract Output perturb(Problem p, Rng rng);

    @Override public String toString() { return name() + " " + spec(); }
}
