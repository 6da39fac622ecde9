package keyshield.attacks;

import keyshield.tensor.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Attacks against a small model trained in the test on separable data. */
class TrainedModelTest {
    static final int CLASSES = 5, CHANNELS = 3, SIZE = 8;
    static TinyModels.Mlp model;
    static TinyModels.Data test;

    @BeforeAll
    static void train() {
        model = new TinyModels.Mlp(Rng.seeded(11), DataType.FLOAT, CHANNELS * SIZE * SIZE, 32, CLASSES);
        var trainSet = TinyModels.separable(Rng.seeded(12), 200, CLASSES, CHANNELS, SIZE, DataType.FLOAT);
        TinyModels.train(model, trainSet, 150, 0.1);
        // same class means (same "means" stream), fresh noise and labels
        test = TinyModels.sameMeans(Rng.seeded(12), Rng.seeded(13), 40, CLASSES, CHANNELS, SIZE, DataType.FLOAT);
    }

    @Test
    void theModelLearnedTheTask() {
        assertThat(TinyModels.accuracy(model, test.x(), test.y())).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void pgdAndApgdBreakTheModelAtALargeEpsAndApgdIsAtLeastAsStrong() {
        ThreatModel threat = ThreatModel.linf(0.25);
        int budget = 10;
        AttackResult pgd = Attacks.run(new PgdSpec(budget, 0.25 / 4, false, LossReduction.SUM, Targeting.UNTARGETED),
                model, test.x(), test.y(), threat, Rng.seeded(1));
        AttackResult apgd = Attacks.run(ApgdSpec.ce().withIterations(budget), model, test.x(), test.y(), threat, Rng.seeded(1));
        assertThat(pgd.robustAccuracy()).isLessThan(0.05);
        assertThat(apgd.robustAccuracy()).isLessThan(0.05);
        assertThat(apgd.robustAccuracy()).isLessThanOrEqualTo(pgd.robustAccuracy());

        // at a small budget, where neither breaks everything, APGD is still at least as strong
        ThreatModel small = ThreatModel.linf(0.03);
        AttackResult pgdSmall = Attacks.run(new PgdSpec(budget, 0.03 / 4, false, LossReduction.SUM, Targeting.UNTARGETED),
                model, test.x(), test.y(), small, Rng.seeded(1));
        AttackResult apgdSmall = Attacks.run(ApgdSpec.ce().withIterations(budget), model, test.x(), test.y(), small, Rng.seeded(1));
        assertThat(apgdSmall.robustAccuracy()).isLessThanOrEqualTo(pgdSmall.robustAccuracy());
    }

    @Test
    void pgdSuccessNeverDecreasesAsEpsGrows() {
        for (Norm norm : Norm.values()) {
            double unit = norm == Norm.LINF ? 1.0 / 255 : 0.05;
            int previous = -1;
            List<Integer> counts = new ArrayList<>();
            for (int k : new int[] {0, 1, 2, 4, 8, 16, 32}) {
                double eps = k * unit;
                AttackResult r = Attacks.run(new PgdSpec(10, Math.max(eps, 1e-9) / 4, true, LossReduction.SUM, Targeting.UNTARGETED),
                        model, test.x(), test.y(), new ThreatModel(norm, eps), Rng.seeded(5));
                counts.add(r.successCount());
                assertThat(r.successCount()).as(norm + " successes over eps " + counts).isGreaterThanOrEqualTo(previous);
                previous = r.successCount();
            }
            assertThat(counts.get(counts.size() - 1)).as(norm + " large eps breaks something").isGreaterThan(counts.get(0));
        }
    }

    @Test
    void everyAttackFoolsMostSamplesAtALargeEps() {
        ThreatModel linf = ThreatModel.linf(0.25), l2 = ThreatModel.l2(4.0);
        // Square is a random search: in ℓ∞ it needs a larger budget on this model (the stripes start alone fools none)
        Map<AttackSpec, ThreatModel> cases = Map.of(
                new ApgdSpec(ApgdSpec.Loss.TARGETED_DLR, 10, 1, 2, 0.75), linf,
                FabSpec.targetedStandard().withIterations(10), linf,
                FabSpec.untargeted().withIterations(10), l2,
                SquareSpec.standard().withQueries(300), l2,
                new DeepFoolSpec(20, 0.02, 5), l2,
                FgsmSpec.standard(), linf);
        cases.forEach((spec, threat) -> {
            AttackResult r = Attacks.run(spec, model, test.x(), test.y(), threat, Rng.seeded(3));
            assertThat(r.robustAccuracy()).as(spec + " at " + threat).isLessThan(0.5);
        });
        var x = test.x().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10)).dup();
        int[] y = java.util.Arrays.copyOf(test.y(), 10);
        AttackResult square = Attacks.run(SquareSpec.standard().withQueries(400), model, x, y, ThreatModel.linf(0.4), Rng.seeded(3));
        assertThat(square.robustAccuracy()).as("square linf").isLessThan(0.5);
    }

    @Test
    void autoAttackReportsAccuracyAfterEachAttackNonIncreasing() {
        var attacks = List.<AttackSpec>of(ApgdSpec.ce().withIterations(5), new ApgdSpec(ApgdSpec.Loss.TARGETED_DLR, 5, 1, 2, 0.75),
                FabSpec.targetedStandard().withIterations(5), SquareSpec.standard().withQueries(50));
        ThreatModel threat = ThreatModel.linf(0.04);
        AutoAttack.Result r = AutoAttack.run(attacks, model, test.x(), test.y(), threat, Rng.seeded(8));
        assertThat(r.accuracyAfter().keySet()).containsExactly("apgd-ce", "apgd-t", "fab-t", "square");
        double prev = r.cleanAccuracy();
        for (double a : r.accuracyAfter().values()) {
            assertThat(a).isLessThanOrEqualTo(prev);
            prev = a;
        }
        assertThat(r.robustAccuracy()).isEqualTo(prev);
        AttackProperties.checkBudget("autoattack", test.x(), r.xAdv(), threat);
        assertThat(AttackProperties.recount(model, r.xAdv(), test.y())).isEqualTo(r.robustAccuracy());
        // the ensemble is at least as strong as its first member alone
        AttackResult first = Attacks.run(attacks.get(0), model, test.x(), test.y(), threat, Rng.seeded(8).split("apgd-ce"));
        assertThat(r.robustAccuracy()).isLessThanOrEqualTo(first.robustAccuracy());
    }
}
