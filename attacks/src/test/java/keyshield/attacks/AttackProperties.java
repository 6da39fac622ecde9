package keyshield.attacks;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness invariants, for every attack and both norms, on small random models. */
class AttackProperties {
    static final int CLASSES = 6, CHANNELS = 3, SIZE = 8;

    /** Every attack, with budgets small enough for a unit test. */
    static List<AttackSpec> allAttacks() {
        return List.of(
                FgsmSpec.standard(),
                new PgdSpec(5, 0.02, true, LossReduction.SUM, Targeting.UNTARGETED),
                new PgdSpec(5, 0.02, false, LossReduction.MEAN, Targeting.LEAST_LIKELY),
                ApgdSpec.ce().withIterations(12),
                new ApgdSpec(ApgdSpec.Loss.TARGETED_DLR, 6, 1, 3, 0.75),
                FabSpec.targetedStandard().withIterations(5),
                FabSpec.untargeted().withIterations(5),
                SquareSpec.standard().withQueries(60),
                new DeepFoolSpec(8, 0.02, 4));
    }

    static double epsFor(Norm norm) { return norm == Norm.LINF ? 8.0 / 255 : 0.5; }

    @Property(tries = 2)
    void everyAttackStaysInTheBudgetAndIsRecountedAndDeterministic(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
        var model = new TinyModels.Mlp(Rng.seeded(seed), DataType.FLOAT, CHANNELS * SIZE * SIZE, 12, CLASSES);
        var data = TinyModels.separable(Rng.seeded(seed + 1), 5, CLASSES, CHANNELS, SIZE, DataType.FLOAT);
        for (Norm norm : Norm.values()) {
            ThreatModel threat = new ThreatModel(norm, epsFor(norm));
            for (AttackSpec spec : allAttacks()) {
                AttackResult r = Attacks.run(spec, model, data.x(), data.y(), threat, Rng.seeded(seed + 2));
                String what = spec + " " + norm;
                checkBudget(what, data.x(), r.xAdv(), threat);
                assertThat(r.robustAccuracy()).as(what + " recount").isEqualTo(recount(model, r.xAdv(), data.y()));
                assertThat(r.zeroGradientCount()).as(what).isZero();
                AttackResult again = Attacks.run(spec, model, data.x(), data.y(), threat, Rng.seeded(seed + 2));
                assertThat(again.xAdv()).as(what + " deterministic").isEqualTo(r.xAdv());
                for (Parameter q : model.parameters()) {
                    assertThat(q.grad()).as(what + ": parameter gradients untouched").isNull();
                    assertThat(q.trainable()).as(what + ": trainable flag restored").isTrue();
                }
            }
        }
    }

    static void checkBudget(String what, INDArray x, INDArray xAdv, ThreatModel threat) {
        double[][] x0 = x.castTo(DataType.DOUBLE).reshape('c', x.size(0), x.length() / x.size(0)).toDoubleMatrix();
        double[][] x1 = xAdv.castTo(DataType.DOUBLE).reshape('c', xAdv.size(0), xAdv.length() / xAdv.size(0)).toDoubleMatrix();
        for (int i = 0; i < x0.length; i++) {
            double linf = 0, l2 = 0;
            for (int j = 0; j < x0[i].length; j++) {
                assertThat(x1[i][j]).as(what + " in [0,1]").isBetween(0.0, 1.0);
                double d = Math.abs(x1[i][j] - x0[i][j]);
                linf = Math.max(linf, d);
                l2 += d * d;
            }
            double n = threat.norm() == Norm.LINF ? linf : Math.sqrt(l2);
            assertThat(n).as(what + " sample " + i + " within eps").isLessThanOrEqualTo(threat.eps() + 1e-6);
        }
    }

    static double recount(Classifier model, INDArray xAdv, int[] y) {
        try (var s = Scope.open(); var off = GradMode.off()) {
            int[] pred = AttackLosses.predictions(model.logits(Tensor.constant(xAdv)).value());
            int c = 0;
            for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) c++;
            return (double) c / y.length;
        }
    }
}
