package keyshield.experiments.cli;

import keyshield.attacks.ApgdSpec;
import keyshield.attacks.AttackResult;
import keyshield.attacks.AttackSpec;
import keyshield.attacks.Attacks;
import keyshield.attacks.AutoAttack;
import keyshield.attacks.Classifier;
import keyshield.attacks.DeepFoolSpec;
import keyshield.attacks.FabSpec;
import keyshield.attacks.FgsmSpec;
import keyshield.attacks.LossReduction;
import keyshield.attacks.Norm;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.SquareSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code keyshield attack}: adversarial examples for a ViT weight file on the images of an .npz file. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = {"Attacks a ViT (raw x in [0, 1], no normalization) on the images x with labels y of an .npz file and",
                "writes x_adv and logits_adv. Budgets accept fractions such as 8/255. The checking harness re-projects",
                "every result onto the eps-ball and [0, 1] and recounts success itself."})
public final class AttackCommand implements Callable<Integer> {
    /** The attacks, with the CLI names of issue 7. */
    public enum Kind { fgsm, pgd, apgd_ce, apgd_t, fab_t, square, autoattack, deepfool }

    /** The loss of FGSM/PGD. */
    public enum Loss { ce_sum, ce_mean }

    @Option(names = "--model", required = true, description = "weights: .safetensors, .onnx or Google .npz") Path model;
    @Option(names = "--heads", description = "attention heads (needed for .safetensors)") Integer heads;
    @Option(names = "--attack", required = true, converter = KindConverter.class,
            description = "fgsm, pgd, apgd-ce, apgd-t, fab-t, square, autoattack or deepfool") Kind attack;
    @Option(names = "--norm", defaultValue = "linf", description = "linf or l2 (default ${DEFAULT-VALUE})") String norm;
    @Option(names = "--eps", required = true, description = "perturbation budget, e.g. 8/255") String eps;
    @Option(names = "--steps", defaultValue = "10", description = "PGD steps (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--step-size", defaultValue = "2/255", description = "PGD step size (default ${DEFAULT-VALUE})") String stepSize;
    @Option(names = "--random-start", defaultValue = "true", arity = "1", description = "PGD random start: true or false (default ${DEFAULT-VALUE})") boolean randomStart;
    @Option(names = "--loss", defaultValue = "ce-sum", converter = LossConverter.class, description = "ce-sum or ce-mean (default ${DEFAULT-VALUE})") Loss loss;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the attack's randomness (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--input", required = true, description = ".npz with x (N, C, H, W) in [0, 1] and integer y (N)") Path input;
    @Option(names = "--out", required = true, description = ".npz to write: x_adv, logits_adv") Path out;

    @Override
    public Integer call() throws Exception {
        VisionTransformer vit = ViTWeights.load(model, heads == null ? OptionalInt.empty() : OptionalInt.of(heads), DataType.FLOAT);
        vit.eval();
        Map<String, INDArray> in = Npz.read(input);
        INDArray x = Npz.require(in, "x", input).castTo(DataType.FLOAT);
        int[] y = Npz.require(in, "y", input).toIntVector();
        ThreatModel threat = new ThreatModel(parseNorm(norm), ThreatModel.parseAmount(eps));
        Classifier classifier = Classifier.of(vit::forward, vit.parameters());
        Rng rng = Rng.seeded(seed);
        INDArray xAdv, logits;
        String summary;
        if (attack == Kind.autoattack) {
            AutoAttack.Result r = AutoAttack.run(AutoAttack.standard(), classifier, x, y, threat, rng);
            xAdv = r.xAdv();
            try (var off = GradMode.off()) { logits = vit.forward(Tensor.constant(xAdv)).value(); }
            summary = String.format("clean %.2f%%, after each attack %s", 100 * r.cleanAccuracy(), r.accuracyAfter());
        } else {
            AttackResult r = Attacks.run(spec(), classifier, x, y, threat, rng);
            xAdv = r.xAdv();
            logits = r.logitsAdv();
            summary = String.format("robust accuracy %.2f%% (%d of %d samples fooled%s)", 100 * r.robustAccuracy(), r.successCount(), r.size(),
                    r.zeroGradientCount() > 0 ? ", " + r.zeroGradientCount() + " with a zero input gradient" : "");
        }
        Map<String, INDArray> result = new LinkedHashMap<>();
        result.put("x_adv", xAdv);
        result.put("logits_adv", logits);
        Npz.write(out, result);
        System.out.println(attack.name().replace('_', '-') + " " + threat.norm() + " eps " + eps + ": " + summary + "; wrote " + out);
        return 0;
    }

    private AttackSpec spec() {
        LossReduction reduction = loss == Loss.ce_sum ? LossReduction.SUM : LossReduction.MEAN;
        return switch (attack) {
            case fgsm -> new FgsmSpec(reduction, Targeting.UNTARGETED);
            case pgd -> new PgdSpec(steps, ThreatModel.parseAmount(stepSize), randomStart, reduction, Targeting.UNTARGETED);
            case apgd_ce -> ApgdSpec.ce();
            case apgd_t -> ApgdSpec.targeted();
            case fab_t -> FabSpec.targetedStandard();
            case square -> SquareSpec.standard();
            case deepfool -> DeepFoolSpec.standard();
            case autoattack -> throw new IllegalStateException("autoattack is an ensemble");
        };
    }

    private static Norm parseNorm(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "linf" -> Norm.LINF;
            case "l2" -> Norm.L2;
            default -> throw new IllegalArgumentException("--norm must be linf or l2 but is '" + s + "'");
        };
    }

    /** Accepts the hyphenated names (apgd-ce) for the enum constants (apgd_ce). */
    static final class KindConverter implements picocli.CommandLine.ITypeConverter<Kind> {
        @Override public Kind convert(String v) {
            try { return Kind.valueOf(v.replace('-', '_').toLowerCase(java.util.Locale.ROOT)); }
            catch (IllegalArgumentException e) { throw new picocli.CommandLine.TypeConversionException("unknown attack '" + v + "'; expected fgsm, pgd, apgd-ce, apgd-t, fab-t, square, autoattack or deepfool"); }
        }
    }

    static final class LossConverter implements picocli.CommandLine.ITypeConverter<Loss> {
        @Override public Loss convert(String v) {
            try { return Loss.valueOf(v.replace('-', '_').toLowerCase(java.util.Locale.ROOT)); }
            catch (IllegalArgumentException e) { throw new picocli.CommandLine.TypeConversionException("unknown loss '" + v + "'; expected ce-sum or ce-mean"); }
        }
    }
}
