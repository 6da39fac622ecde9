package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Models without an input gradient are reported as such, and bad inputs are rejected clearly. */
class ZeroGradientTest {
    final TinyModels.Mlp mlp = new TinyModels.Mlp(Rng.seeded(21), DataType.FLOAT, 3 * 4 * 4, 8, 4);
    final TinyModels.Data data = TinyModels.separable(Rng.seeded(22), 6, 4, 3, 4, DataType.FLOAT);

    /** Quantisation to 4 levels done on the values: the logits have no path back to x. */
    final Classifier quantized = x -> mlp.logits(Tensor.constant(Transforms.round(x.value().mul(3)).divi(3)));

    /** A flat region: relu(x − 2) is 0 on [0,1], so the gradient exists but is exactly zero. */
    final Classifier flat = x -> mlp.logits(x.sub(2).relu().add(Tensor.constant(data.x().slice(0).dup().reshape(1, 3, 4, 4))
            .broadcastTo(x.shape())));

    @Test
    void aGradientAttackOnAMaskedGradientIsReportedNotSilentlyRobust() {
        for (Classifier c : new Classifier[] {quantized, flat}) {
            for (AttackSpec spec : new AttackSpec[] {FgsmSpec.standard(), PgdSpec.golden(), ApgdSpec.ce().withIterations(5)}) {
                AttackResult r = Attacks.run(spec, c, data.x(), data.y(), ThreatModel.linf(8.0 / 255), Rng.seeded(1));
                assertThat(r.zeroGradientCount()).as(spec.toString()).isEqualTo(data.y().length);
                assertThat(r.robustWithZeroGradient()).isEqualTo(data.y().length - r.successCount());
                assertThat(r.toString()).contains("zero-gradient");
            }
        }
    }

    @Test
    void bpdaRestoresTheGradientOfAQuantizingDefense() {
        Classifier withBpda = Bpda.straightThrough(v -> Transforms.round(v.mul(3)).divi(3), mlp);
        AttackResult r = Attacks.run(FgsmSpec.standard(), withBpda, data.x(), data.y(), ThreatModel.linf(8.0 / 255), Rng.seeded(1));
        assertThat(r.zeroGradientCount()).isZero();
        // forward values are exactly the quantised pipeline's
        INDArray a = quantized.logits(Tensor.constant(data.x())).value();
        INDArray b = withBpda.logits(Tensor.constant(data.x())).value();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void inputsOutsideTheContractAreRejectedWithTheirValues() {
        var threat = ThreatModel.linf(0.1);
        assertThatThrownBy(() -> Attacks.run(FgsmSpec.standard(), mlp, data.x().mul(3), data.y(), threat, Rng.seeded(1)))
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Attacks.run(FgsmSpec.standard(), mlp, data.x(), new int[] {0}, threat, Rng.seeded(1)))
                .hasMessageContaining("1 labels").hasMessageContaining("(6, 3, 4, 4)");
        assertThatThrownBy(() -> Attacks.run(FgsmSpec.standard(), mlp, data.x().reshape(6, 48), data.y(), threat, Rng.seeded(1)))
                .hasMessageContaining("rank 4").hasMessageContaining("(6, 48)");
        int[] bad = data.y().clone();
        bad[2] = 7;
        assertThatThrownBy(() -> Attacks.run(FgsmSpec.standard(), mlp, data.x(), bad, threat, Rng.seeded(1)))
                .hasMessageContaining("label 7 of sample 2");
        assertThatThrownBy(() -> new PgdSpec(0, 0.1, false, LossReduction.SUM, Targeting.UNTARGETED)).hasMessageContaining("steps");
        assertThatThrownBy(() -> ThreatModel.linf(-1)).hasMessageContaining("eps");
    }

    @Test
    void undeclaredTrainableParametersWouldCollectGradientsButDeclaredOnesStayUntouched() {
        Classifier undeclared = mlp::logits;
        Attacks.run(FgsmSpec.standard(), undeclared, data.x(), data.y(), ThreatModel.linf(0.1), Rng.seeded(1));
        assertThat(mlp.w1.grad()).as("documented pitfall: lambdas hide their parameters").isNotNull();
        mlp.parameters().forEach(q -> q.clearGrad());
        Attacks.run(FgsmSpec.standard(), Classifier.of(mlp::logits, mlp.parameters()), data.x(), data.y(), ThreatModel.linf(0.1), Rng.seeded(1));
        mlp.parameters().forEach(q -> assertThat(q.grad()).isNull());
    }
}
