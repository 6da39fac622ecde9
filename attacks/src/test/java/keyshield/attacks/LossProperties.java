package keyshield.attacks;

import keyshield.tensor.GradCheck;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The attack losses: DLR's invariances, margins and gradients. */
class LossProperties {

    @Property(tries = 20)
    void dlrIsShiftAndScaleInvariant(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                     @ForAll @DoubleRange(min = 0.1, max = 10) double scale,
                                     @ForAll @DoubleRange(min = -5, max = 5) double shift) {
        INDArray z = Rng.seeded(seed).normal(DataType.DOUBLE, 0, 2, 4, 6);
        int[] y = {0, 3, 5, 2}, t = {1, 0, 2, 4};
        INDArray moved = z.mul(scale).add(shift);
        assertClose(AttackLosses.dlr(Tensor.constant(moved), y).value(), AttackLosses.dlr(Tensor.constant(z), y).value());
        assertClose(AttackLosses.targetedDlr(Tensor.constant(moved), y, t).value(),
                AttackLosses.targetedDlr(Tensor.constant(z), y, t).value());
    }

    @Property(tries = 10)
    void dlrIsPositiveExactlyWhenMisclassifiedAndMarginAgrees(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        INDArray z = Rng.seeded(seed).normal(DataType.DOUBLE, 0, 2, 5, 7);
        int[] y = {0, 1, 2, 3, 4};
        double[] dlr = AttackLosses.dlr(Tensor.constant(z), y).value().toDoubleVector();
        double[] margin = AttackLosses.margin(z, y);
        int[] pred = AttackLosses.predictions(z);
        for (int i = 0; i < y.length; i++) {
            assertThat(margin[i] < 0).isEqualTo(pred[i] != y[i]);
            assertThat(dlr[i] > 0).isEqualTo(pred[i] != y[i]);
        }
    }

    @Property(tries = 5)
    void dlrGradientsPassACheck(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        // labels are the predictions (the points APGD attacks); with y = π3 the DLR is the constant 1
        INDArray z = Rng.seeded(seed).normal(DataType.DOUBLE, 0, 2, 3, 6);
        int[] y = AttackLosses.predictions(z), t = new int[3];
        int[][] order = AttackLosses.descendingOrder(z, 2);
        for (int i = 0; i < 3; i++) t[i] = order[i][1];
        assertThat(GradCheck.check(in -> AttackLosses.dlr(in[0], y), z).max()).isLessThan(1e-6);
        assertThat(GradCheck.check(in -> AttackLosses.targetedDlr(in[0], y, t), z).max()).isLessThan(1e-6);
        assertThat(GradCheck.check(in -> AttackLosses.crossEntropy(in[0], y), z).max()).isLessThan(1e-6);
    }

    private static void assertClose(INDArray a, INDArray b) {
        double[] x = a.toDoubleVector(), y = b.toDoubleVector();
        for (int i = 0; i < x.length; i++) assertThat(x[i]).isCloseTo(y[i], within(1e-9));
    }
}
