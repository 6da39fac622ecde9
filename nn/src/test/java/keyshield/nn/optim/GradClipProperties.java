package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static keyshield.nn.optim.OptimizerReferenceProperties.setGrad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GradClipProperties {
    @Property(tries = 30)
    void clippingBoundsTheNormAndKeepsTheDirection(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                   @ForAll @DoubleRange(min = 0.01, max = 10) double gradScale,
                                                   @ForAll @DoubleRange(min = 0.1, max = 5) double maxNorm) {
        Rng rng = Rng.seeded(seed);
        Parameter a = new Parameter(rng.split("a").uniform(DataType.DOUBLE, -1, 1, 3, 4));
        Parameter b = new Parameter(rng.split("b").uniform(DataType.DOUBLE, -1, 1, 5));
        Parameter none = new Parameter(rng.split("n").uniform(DataType.DOUBLE, -1, 1, 2));  // no gradient: ignored
        setGrad(a, rng.split("ga").uniform(DataType.DOUBLE, -gradScale, gradScale, 3, 4));
        setGrad(b, rng.split("gb").uniform(DataType.DOUBLE, -gradScale, gradScale, 5));
        INDArray ga = a.grad().dup(), gb = b.grad().dup();
        double expectedTotal = Math.sqrt(sumSquares(ga) + sumSquares(gb));

        double total = GradClip.clipGlobalNorm(List.of(a, none, b), maxNorm);

        assertThat(total).isCloseTo(expectedTotal, within(1e-12 * expectedTotal));
        double after = Math.sqrt(sumSquares(a.grad()) + sumSquares(b.grad()));
        assertThat(after).isLessThanOrEqualTo(maxNorm + 1e-12);
        if (expectedTotal <= maxNorm) {
            assertThat(a.grad()).isEqualTo(ga);
            assertThat(b.grad()).isEqualTo(gb);
        } else {
            double coef = maxNorm / (expectedTotal + 1e-6);
            assertThat(a.grad().equalsWithEps(ga.mul(coef), 1e-14)).isTrue();   // same direction, one common factor
            assertThat(b.grad().equalsWithEps(gb.mul(coef), 1e-14)).isTrue();
        }
        assertThat(none.grad()).isNull();
    }

    @Test
    void nonFiniteGradientIsNamedNotSpread() {
        Parameter a = new Parameter(Nd4j.zeros(DataType.DOUBLE, 2));
        Parameter b = new Parameter(Nd4j.zeros(DataType.DOUBLE, 3));
        setGrad(a, Nd4j.createFromArray(1.0, 2.0));
        setGrad(b, Nd4j.createFromArray(1.0, Double.NaN, 0.0));
        assertThatThrownBy(() -> GradClip.clipGlobalNorm(List.of(a, b), 1.0)).hasMessageContaining("#1").hasMessageContaining("NaN");
        assertThat(a.grad()).isEqualTo(Nd4j.createFromArray(1.0, 2.0));
    }

    private static double sumSquares(INDArray x) {
        double s = 0;
        for (double v : x.data().asDouble()) s += v * v;
        return s;
    }
}
