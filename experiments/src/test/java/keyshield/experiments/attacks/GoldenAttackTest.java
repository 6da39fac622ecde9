package keyshield.experiments.attacks;

import keyshield.attacks.AttackResult;
import keyshield.attacks.Attacks;
import keyshield.attacks.Classifier;
import keyshield.attacks.FgsmSpec;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.ThreatModel;
import keyshield.tensor.Golden;
import keyshield.tensor.Rng;
import keyshield.tensor.io.Npz;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FGSM and 10-step PGD on the golden ViTs reproduce PyTorch's adversarial examples (golden/README.md:
 * eps 8/255, PGD step 2/255 from x without random start, summed cross-entropy, projection then clipping).
 * Sign flips on near-zero gradient entries legitimately change a few pixels, so the criterion is the
 * fraction of pixels equal within 1e-5 (≥ 99%) and the relative error of the PGD logits (≤ 1e-3).
 */
class GoldenAttackTest {

    static double fractionEqual(INDArray a, INDArray b) {
        INDArray diff = Transforms.abs(a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)), false);
        return diff.lte(1e-5).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vit_micro, DOUBLE", "vit_micro, FLOAT", "vit_tiny_d4, FLOAT"})
    void fgsmAndPgdMatchPyTorch(String model, DataType dtype) throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file(model + "_golden.npz"));
        VisionTransformer vit = ViTWeights.load(Golden.file(model + ".safetensors"), OptionalInt.of(3), dtype);
        vit.eval();
        Classifier c = Classifier.of(vit::forward, vit.parameters());
        INDArray x = g.get("x").castTo(dtype);
        int[] y = g.get("y").toIntVector();
        ThreatModel threat = ThreatModel.linf(8.0 / 255);

        AttackResult fgsm = Attacks.run(new FgsmSpec(LossReduction.SUM, keyshield.attacks.Targeting.UNTARGETED), c, x, y, threat, Rng.seeded(0));
        double fgsmEqual = fractionEqual(fgsm.xAdv(), g.get("fgsm_x"));
        AttackResult pgd = Attacks.run(PgdSpec.golden(), c, x, y, threat, Rng.seeded(0));
        double pgdEqual = fractionEqual(pgd.xAdv(), g.get("pgd_x"));
        INDArray pl = pgd.logitsAdv().castTo(DataType.DOUBLE), ref = g.get("pgd_logits").castTo(DataType.DOUBLE);
        double logitsErr = pl.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
        System.out.printf("%s %s: FGSM pixels equal %.5f, PGD pixels equal %.5f, PGD logits rel. error %.2e%n", model, dtype, fgsmEqual, pgdEqual, logitsErr);
        assertThat(fgsmEqual).isGreaterThanOrEqualTo(0.99);
        assertThat(pgdEqual).isGreaterThanOrEqualTo(0.99);
        assertThat(logitsErr).isLessThanOrEqualTo(1e-3);
    }
}
