package keyshield.experiments.cli;

import keyshield.attacks.AutoAttack;
import keyshield.attacks.ThreatModel;
import keyshield.experiments.run.AttackProtocol;
import keyshield.experiments.run.BaseModel;
import keyshield.experiments.run.DefendedModel;
import keyshield.experiments.run.KeySource;
import keyshield.experiments.run.RobustEval;
import keyshield.experiments.run.TableOne;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keyshield eval}: clean and robust accuracy of a defended model under one threat model (resumable). */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measures clean and robust accuracy (eq. 4) of a defended model (weights + key file, or no key) on the test",
                "images at positions 0, k, 2k, ..., with examples crafted white-box on the model itself, or on a --source model",
                "(non-adaptive: the plain pre-trained model; adaptive: a substitute fine-tuned with a guessed key).",
                "Adversarial examples are saved batch by batch in the run directory, so --resume continues a killed run.",
                "Preset: cifarPlainWhiteBox (PGD-10, eps 8/255, on the plain CIFAR stand-in)."})
public final class EvalCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarPlainWhiteBox }

    /** The attacks the flags can choose. */
    public enum AttackChoice { pgd10, autoattack }

    @Option(names = "--preset", description = "${COMPLETION-CANDIDATES}") Preset preset;
    @Option(names = "--shared", paramLabel = "DIR", description = "folder with models/ and data/ (default: ../shared beside the repository)") Path shared;
    @Option(names = "--model", paramLabel = "FILE", description = "the defended model's weights") Path model;
    @Option(names = "--heads", paramLabel = "N", description = "attention heads of --model and --source") Integer heads;
    @Option(names = "--key", paramLabel = "KEYFILE", description = "the defended model's key file (default: no key)") Path key;
    @Option(names = "--protocol", description = "${COMPLETION-CANDIDATES}") AttackProtocol protocol;
    @Option(names = "--source", paramLabel = "FILE", description = "weights examples are crafted on (NON_ADAPTIVE, ADAPTIVE)") Path source;
    @Option(names = "--source-key", paramLabel = "KEYFILE", description = "the key of --source (the attacker's guess; default: no key)") Path sourceKey;
    @Option(names = "--attack", description = "${COMPLETION-CANDIDATES}") AttackChoice attack;
    @Option(names = "--eps", description = "perturbation budget, e.g. 8/255") String eps;
    @Mixin AttackImageOptions images;
    @Mixin RunOptions run;

    @Override
    public Integer call() throws Exception {
        if (sourceKey != null && source == null) throw new IllegalArgumentException("--source-key needs --source");
        RobustEval e = run.choose(RobustEval.class, preset, () -> RobustEval.cifarPlainWhiteBox(shared != null ? shared : SharedDir.locate()));
        BaseModel target = e.target().weights();
        return run.execute(images.applyTo(ExperimentPatch.of(RobustEval.class, e))
                .set("/target/label", model != null ? label(model) : null)
                .set("/target/weights/weights", model).set("/target/weights/numHeads", heads)
                .set("/target/key", key != null ? new KeySource.FromFile(key) : model != null ? new KeySource.None() : null)
                .set("/protocol", protocol)
                .set("/source", source != null
                        ? new DefendedModel(label(source), new BaseModel(source, heads != null ? heads : target.numHeads(), target.normalization()),
                                sourceKey != null ? new KeySource.FromFile(sourceKey) : new KeySource.None())
                        : null)
                .set("/attacks", attack == null ? null : attack == AttackChoice.pgd10 ? List.of(TableOne.pgd10()) : AutoAttack.standard())
                .set("/threat/eps", eps != null ? ThreatModel.parseAmount(eps) : null).build());
    }

    /** A model's name in the table: its weight file's name without the extension. */
    private static String label(Path weights) {
        String f = weights.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
