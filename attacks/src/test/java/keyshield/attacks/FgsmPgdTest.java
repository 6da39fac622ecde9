package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;

class FgsmPgdTest {

    /** FGSM written out by hand with the autograd: clip(x + ε·sign(∇x Σ CE), 0, 1). */
    private static INDArray fgsmByHand(Classifier f, INDArray x, int[] y, double eps) {
        Tensor xv = Tensor.variable(x.dup());
        AttackLosses.crossEntropy(f.logits(xv), y).sum().backward();
        INDArray moved = x.add(Transforms.sign(xv.grad()).mul(eps));
        return Transforms.min(Transforms.max(moved, 0.0), 1.0);
    }

    @Test
    void fgsmIsExactInFloat64() {
        var model = new TinyModels.Mlp(Rng.seeded(1), DataType.DOUBLE, 3 * 4 * 4, 16, 5);
        var data = TinyModels.separable(Rng.seeded(2), 8, 5, 3, 4, DataType.DOUBLE);
        double eps = 8.0 / 255;
        INDArray expected = fgsmByHand(model, data.x(), data.y(), eps);
        for (var q : model.parameters()) q.clearGrad();
        AttackResult r = Attacks.run(FgsmSpec.standard(), model, data.x(), data.y(), ThreatModel.linf(eps), Rng.seeded(3));
        assertThat(r.xAdv().dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(r.xAdv()).isEqualTo(expected);
    }

    @Test
    void fgsmEqualsOnePgdStepOfSizeEpsInFloat32() {
        var model = new TinyModels.ConvNet(Rng.seeded(4), 3, 6, 4);
        var data = TinyModels.separable(Rng.seeded(5), 6, 4, 3, 6, DataType.FLOAT);
        var threat = ThreatModel.linf(8.0 / 255);
        AttackResult fgsm = Attacks.run(FgsmSpec.standard(), model, data.x(), data.y(), threat, Rng.seeded(6));
        AttackResult pgd = Attacks.run(new PgdSpec(1, 8.0 / 255, false, LossReduction.SUM, Targeting.UNTARGETED),
                model, data.x(), data.y(), threat, Rng.seeded(6));
        assertThat(fgsm.xAdv()).isEqualTo(pgd.xAdv());
        assertThat(fgsm.xAdv()).isEqualTo(fgsmByHand(model, data.x(), data.y(), 8.0 / 255));
    }

    @Test
    void fgsmEqualsOnePgdStepForL2() {
        var model = new TinyModels.Mlp(Rng.seeded(7), DataType.FLOAT, 3 * 4 * 4, 8, 3);
        var data = TinyModels.separable(Rng.seeded(8), 5, 3, 3, 4, DataType.FLOAT);
        var threat = ThreatModel.l2(0.5);
        AttackResult fgsm = Attacks.run(FgsmSpec.standard(), model, data.x(), data.y(), threat, Rng.seeded(6));
        AttackResult pgd = Attacks.run(new PgdSpec(1, 0.5, false, LossReduction.MEAN, Targeting.UNTARGETED),
                model, data.x(), data.y(), threat, Rng.seeded(6));
        assertThat(fgsm.xAdv()).isEqualTo(pgd.xAdv());
    }
}
