package keyshield.attacks;

import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** RobustEvaluation protocols and resumption, and the EOT wrapper. */
class EvaluationTest {
    final TinyModels.Mlp target = new TinyModels.Mlp(Rng.seeded(51), DataType.FLOAT, 3 * 4 * 4, 12, 4);
    final TinyModels.Mlp source = new TinyModels.Mlp(Rng.seeded(52), DataType.FLOAT, 3 * 4 * 4, 12, 4);
    final TinyModels.Data data = TinyModels.separable(Rng.seeded(53), 12, 4, 3, 4, DataType.FLOAT);
    final ThreatModel threat = ThreatModel.linf(0.1);
    final Map<String, AttackSpec> attacks = new LinkedHashMap<>();
    {
        attacks.put("fgsm", FgsmSpec.standard());
        attacks.put("pgd", new PgdSpec(4, 0.03, true, LossReduction.SUM, Targeting.UNTARGETED));
    }

    List<RobustEvaluation.Batch> batches(int count) {
        List<RobustEvaluation.Batch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            INDArray x = data.x().get(NDArrayIndex.interval(4 * b, 4 * b + 4)).dup();
            out.add(new RobustEvaluation.Batch(4L * b, x, Arrays.copyOfRange(data.y(), 4 * b, 4 * b + 4)));
        }
        return out;
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) {
        var eval = new RobustEvaluation(new Protocol.WhiteBox(target), threat, attacks);
        List<SampleResult> full = eval.run(batches(3), Rng.seeded(7), null);
        assertThat(full).hasSize(24);

        Path file = dir.resolve("results.json");
        eval.run(batches(2), Rng.seeded(7), file);                     // interrupted after two batches
        List<SampleResult> partial = RobustEvaluation.load(file);
        assertThat(partial).hasSize(16);
        List<SampleResult> resumed = eval.resume(batches(3), partial, Rng.seeded(7), file);
        assertThat(resumed).isEqualTo(full);
        assertThat(RobustEvaluation.load(file)).isEqualTo(full);

        var report = RobustEvaluation.report(full);
        assertThat(report.samples()).isEqualTo(12);
        assertThat(report.cleanAccuracy()).isEqualTo(TinyModels.accuracy(target, data.x(), data.y()));
        assertThat(report.worstCase()).isLessThanOrEqualTo(Math.min(report.robustAccuracy().get("fgsm"), report.robustAccuracy().get("pgd")));
    }

    @Test
    void whiteBoxNumbersEqualTheHarnessAndTransferNumbersAreRecountedOnTheTarget() {
        var white = RobustEvaluation.report(new RobustEvaluation(new Protocol.WhiteBox(target), threat, attacks).run(batches(1), Rng.seeded(7), null));
        AttackResult direct = Attacks.run(attacks.get("fgsm"), target, batches(1).get(0).x(), batches(1).get(0).y(), threat, Rng.seeded(7).split("fgsm", 0));
        assertThat(white.robustAccuracy().get("fgsm")).isEqualTo(direct.robustAccuracy());

        List<SampleResult> transfer = new RobustEvaluation(new Protocol.NonAdaptive(source, target), threat, attacks).run(batches(1), Rng.seeded(7), null);
        AttackResult crafted = Attacks.run(attacks.get("fgsm"), source, batches(1).get(0).x(), batches(1).get(0).y(), threat, Rng.seeded(7).split("fgsm", 0));
        double onTarget = AttackProperties.recount(target, crafted.xAdv(), batches(1).get(0).y());
        assertThat(RobustEvaluation.report(transfer).robustAccuracy().get("fgsm")).isEqualTo(onTarget);
    }

    @Test
    void aCorruptResultsFileIsNamedInTheError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "[{\"index\": 0, \"attack\": ");
        assertThatThrownBy(() -> RobustEvaluation.load(file)).hasMessageContaining("broken.json");
    }

    @Test
    void eotAveragesTheGradientOverItsDraws() {
        int n = 3;
        Eot.RandomTransform noise = (x, r) -> x.add(Tensor.constant(r.uniform(x.dtype(), -0.05, 0.05, x.shape())));
        Classifier eot = Eot.of(target, noise, n, Rng.seeded(9));
        INDArray x = batches(1).get(0).x();
        int[] y = batches(1).get(0).y();
        Tensor xv = Tensor.variable(x.dup());
        eot.logits(xv).exp().pick(y).sum().backward();                    // Σ_b E_t[softmax f(t(x))]_y
        INDArray byHand = null;
        for (int i = 0; i < n; i++) {
            Tensor v = Tensor.variable(x.dup());
            target.logits(noise.apply(v, Rng.seeded(9).split("eot", i))).softmax(-1).pick(y).sum().backward();
            byHand = byHand == null ? v.grad().dup() : byHand.add(v.grad());
        }
        byHand.divi(n);
        target.parameters().forEach(q -> q.clearGrad());
        assertThat(xv.grad().sub(byHand).amaxNumber().doubleValue()).isLessThan(1e-6);
        assertThat(xv.grad().amaxNumber().doubleValue()).isGreaterThan(1e-4);
        // the draws advance with every call, deterministically for a fixed generator
        Classifier again = Eot.of(target, noise, n, Rng.seeded(9));
        try (var s = Scope.open(); var off = GradMode.off()) {
            INDArray first = again.logits(Tensor.constant(x)).value().dup();
            INDArray second = again.logits(Tensor.constant(x)).value().dup();
            assertThat(first).isNotEqualTo(second);
            assertThat(Eot.of(target, noise, n, Rng.seeded(9)).logits(Tensor.constant(x)).value()).isEqualTo(first);
        }
        AttackResult r = Attacks.run(ApgdSpec.ce().withIterations(5), Eot.of(target, noise, n, Rng.seeded(9)), x, y, threat, Rng.seeded(2));
        assertThat(r.zeroGradientCount()).isZero();
    }
}
