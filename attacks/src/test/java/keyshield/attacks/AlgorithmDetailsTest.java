package keyshield.attacks;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Schedules, projections and closed-form cases of the individual algorithms. */
class AlgorithmDetailsTest {

    @Test
    void apgdCheckpointsFollowThePaperSchedule() {
        assertThat(Apgd.checkpointIntervals(100)).containsExactly(22, 19, 16, 13, 10, 7, 6, 6);
        // p0 = 0, p1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06); checkpoints at ⌈p_j·N⌉
        List<Integer> fromPaper = new ArrayList<>();
        double prev = 0, p = 0.22;
        while (Math.ceil(p * 100 - 1e-9) <= 100) {
            fromPaper.add((int) Math.ceil(p * 100 - 1e-9));
            double next = p + Math.max(p - prev - 0.03, 0.06);
            prev = p;
            p = next;
        }
        List<Integer> cumulative = new ArrayList<>();
        int total = 0;
        for (int k : Apgd.checkpointIntervals(100)) cumulative.add(total += k);
        assertThat(cumulative).isEqualTo(fromPaper);
    }

    @Test
    void autoAttackStandardHasThePaperSettings() {
        assertThat(AutoAttack.standard()).containsExactly(
                new ApgdSpec(ApgdSpec.Loss.CE, 100, 1, 9, 0.75),
                new ApgdSpec(ApgdSpec.Loss.TARGETED_DLR, 100, 1, 9, 0.75),
                new FabSpec(true, 9, 100, 1, 0.1, 1.05, 0.9),
                new SquareSpec(5000, 0.8, false));
        assertThat(AutoAttack.standard().stream().map(a -> a.build().name())).containsExactly("apgd-ce", "apgd-t", "fab-t", "square");
        var square = new Square(SquareSpec.standard());
        assertThat(square.pSelection(10)).isEqualTo(0.8);
        assertThat(square.pSelection(11)).isEqualTo(0.4);
        assertThat(square.pSelection(200)).isEqualTo(0.2);
        assertThat(square.pSelection(4999)).isEqualTo(0.8 / 128);
        var rescaled = new Square(new SquareSpec(1000, 0.8, true));
        assertThat(rescaled.pSelection(999)).isEqualTo(0.8 / 512);
    }

    @Test
    void pgdFollowsTheGoldenConventionStepByStepInFloat64() {
        var model = new TinyModels.Mlp(Rng.seeded(31), DataType.DOUBLE, 3 * 4 * 4, 16, 5);
        var data = TinyModels.separable(Rng.seeded(32), 7, 5, 3, 4, DataType.DOUBLE);
        double eps = 8.0 / 255, alpha = 2.0 / 255;
        INDArray x = data.x(), adv = x.dup();
        for (int t = 0; t < 10; t++) {
            Tensor v = Tensor.variable(adv.dup());
            AttackLosses.crossEntropy(model.logits(v), data.y()).sum().backward();
            INDArray moved = adv.add(Transforms.sign(v.grad()).mul(alpha));
            moved = Transforms.min(Transforms.max(moved, x.sub(eps)), x.add(eps));       // eps-ball first
            adv = Transforms.min(Transforms.max(moved, 0.0), 1.0);                        // then [0,1]
        }
        model.parameters().forEach(Parameter::clearGrad);
        AttackResult r = Attacks.run(PgdSpec.golden(), model, x, data.y(), ThreatModel.linf(eps), Rng.seeded(1));
        assertThat(r.xAdv()).isEqualTo(adv);
        assertThat(r.logitsAdv()).isEqualTo(model.logits(Tensor.constant(adv)).value());
    }

    @Property(tries = 30)
    void fabProjectionReachesTheHyperplaneInsideTheBoxWithMinimalNorm(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                                      @ForAll @IntRange(min = 1, max = 12) int dim) {
        Rng rng = Rng.seeded(seed);
        double[] t = new double[dim], w = new double[dim];
        for (int i = 0; i < dim; i++) { t[i] = rng.nextDouble(); w[i] = rng.nextDouble() * 2 - 1; }
        double wt = 0;
        for (int i = 0; i < dim; i++) wt += w[i] * t[i];
        double b = wt + (rng.nextDouble() - 0.5) * 0.5;                                   // a nearby hyperplane
        for (Norm norm : Norm.values()) {
            double[] d = FabProjection.project(norm, t, w, b);
            double reached = 0, maxReach = 0, minReach = 0;
            for (int i = 0; i < dim; i++) {
                assertThat(t[i] + d[i]).isBetween(-1e-12, 1 + 1e-12);
                reached += w[i] * (t[i] + d[i]);
                maxReach += w[i] > 0 ? w[i] : 0;
                minReach += w[i] < 0 ? w[i] : 0;
            }
            boolean feasible = b <= maxReach && b >= minReach;
            if (feasible) {
                assertThat(reached).as(norm + " on the plane").isCloseTo(b, within(1e-9));
                // no feasible point found by random search inside the box is closer
                double best = Fab.norm(norm, d);
                for (int k = 0; k < 200; k++) {
                    double[] z = new double[dim];
                    for (int i = 0; i < dim; i++) z[i] = rng.nextDouble();
                    int j = rng.nextInt(dim);
                    if (Math.abs(w[j]) < 1e-3) continue;
                    double rest = 0;
                    for (int i = 0; i < dim; i++) if (i != j) rest += w[i] * z[i];
                    z[j] = (b - rest) / w[j];
                    if (z[j] < 0 || z[j] > 1) continue;
                    double[] dz = new double[dim];
                    for (int i = 0; i < dim; i++) dz[i] = z[i] - t[i];
                    assertThat(Fab.norm(norm, dz)).as(norm + " minimal").isGreaterThanOrEqualTo(best - 1e-9);
                }
            }
        }
    }

    @Test
    void fabProjectionMatchesTheClosedFormWhenTheBoxIsInactive() {
        double[] t = {0.5, 0.5, 0.5}, w = {1, -2, 0.5};
        double c = 0.1;                                                                   // b − ⟨w, t⟩
        double b = c + (0.5 - 1 + 0.25);
        double[] l2 = FabProjection.project(Norm.L2, t, w, b);
        double ww = 1 + 4 + 0.25;
        for (int i = 0; i < 3; i++) assertThat(l2[i]).isCloseTo(c * w[i] / ww, within(1e-12));
        double[] linf = FabProjection.project(Norm.LINF, t, w, b);
        for (int i = 0; i < 3; i++) assertThat(linf[i]).isCloseTo(c / 3.5 * Math.signum(w[i]), within(1e-12));
    }

    /** A linear binary classifier z = (⟨a, x⟩ + b0, 0): DeepFool's first step lands on the boundary. */
    @Test
    void deepFoolFindsTheExactL2DistanceToALinearBoundary() {
        int d = 12;
        Rng rng = Rng.seeded(41);
        INDArray a = rng.uniform(DataType.DOUBLE, -1, 1, 1, d);
        Parameter wParam = new Parameter(Nd4j.concat(0, a, Nd4j.zeros(DataType.DOUBLE, 1, d)));
        Parameter bParam = new Parameter(Nd4j.createFromArray(0.3, 0.0));
        Classifier linear = Classifier.of(x -> x.reshape(x.size(0), -1).linear(wParam, bParam), List.of(wParam, bParam));
        INDArray x = Nd4j.valueArrayOf(new long[] {1, 3, 2, 2}, 0.5, DataType.DOUBLE);
        double margin = a.sumNumber().doubleValue() * 0.5 + 0.3;
        int label = margin > 0 ? 0 : 1;
        double distance = Math.abs(margin) / a.norm2Number().doubleValue();
        AttackResult r = Attacks.run(new DeepFoolSpec(5, 0.02, 2), linear, x, new int[] {label}, ThreatModel.l2(10), Rng.seeded(1));
        assertThat(r.success()[0]).isTrue();
        // one linear step of (|f| + 1e-4)/‖w‖ overshot by 2%, unless the box clipped it
        assertThat(r.perturbationNorms()[0]).isCloseTo(1.02 * (distance + 1e-4 / a.norm2Number().doubleValue()), within(1e-9));
    }
}
