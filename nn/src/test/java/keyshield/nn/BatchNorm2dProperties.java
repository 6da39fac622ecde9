package keyshield.nn;

import keyshield.tensor.Arrays64;
import keyshield.tensor.Function;
import keyshield.tensor.GradCheck;
import keyshield.tensor.GradMode;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * BatchNorm2d against direct per-channel loops over plain doubles (float64): the fused backward by
 * central differences in both modes, train-mode statistics and running-statistic updates with
 * PyTorch's momentum and unbiased variance, and eval mode as the affine map of the running statistics.
 */
class BatchNorm2dProperties {
    /**
     * At least three values per channel: with two, x̂ = ±1 whatever x is (up to ε), so ∂L/∂x is ~1e-6 and
     * its relative error measures only the rounding of the central differences.
     */
    @Property(tries = 12)
    void trainModeBackwardPassesGradientCheck(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                              @ForAll @IntRange(min = 1, max = 3) int h, @ForAll @IntRange(min = 3, max = 4) int w,
                                              @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        INDArray x = Arrays64.random(seed, n, c, h, w).muli(3).addi(0.5);
        INDArray gamma = Arrays64.random(seed + 1, 0.5, 2, c), beta = Arrays64.random(seed + 2, c);
        var result = GradCheck.check(t -> Function.apply(BatchNorm2d.Fn.batchStatistics(1e-5), t[0], t[1], t[2]), x, gamma, beta);
        assertThat(result.max()).isLessThan(1e-6);
    }

    @Property(tries = 8)
    void evalModeBackwardPassesGradientCheck(@ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 3) int c,
                                             @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        INDArray x = Arrays64.random(seed, n, c, 2, 3);
        INDArray mean = Arrays64.random(seed + 3, c), var = Arrays64.random(seed + 4, 0.2, 3, c);
        INDArray gamma = Arrays64.random(seed + 1, 0.5, 2, c), beta = Arrays64.random(seed + 2, c);
        var result = GradCheck.check(t -> Function.apply(BatchNorm2d.Fn.withStatistics(mean, var, 1e-5), t[0], t[1], t[2]), x, gamma, beta);
        assertThat(result.max()).isLessThan(1e-6);
    }

    @Property(tries = 10)
    void trainModeNormalisesWithBatchStatisticsAndUpdatesRunningOnes(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll @IntRange(min = 1, max = 4) int c,
                                                                      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        int h = 3, w = 2;
        var bn = new BatchNorm2d(c, 1e-5, 0.1, DataType.DOUBLE);
        bn.weight().assign(Arrays64.random(seed + 1, 0.5, 2, c), "weight");
        bn.bias().assign(Arrays64.random(seed + 2, c), "bias");
        INDArray[] batches = {Arrays64.random(seed, n, c, h, w).muli(4).addi(1), Arrays64.random(seed + 5, n, c, h, w)};
        double[] runMean = new double[c], runVar = new double[c];
        java.util.Arrays.fill(runVar, 1);
        for (int step = 0; step < batches.length; step++) {
            INDArray x = batches[step];
            INDArray y;
            try (var noGrad = GradMode.off()) {                          // running statistics update regardless
                y = bn.forward(Tensor.constant(x)).value();
            }
            int count = n * h * w;
            for (int ch = 0; ch < c; ch++) {
                double sum = 0, sq = 0;
                for (int i = 0; i < n; i++) for (int r = 0; r < h; r++) for (int q = 0; q < w; q++) sum += x.getDouble(i, ch, r, q);
                double mu = sum / count;
                for (int i = 0; i < n; i++) for (int r = 0; r < h; r++) for (int q = 0; q < w; q++) sq += Math.pow(x.getDouble(i, ch, r, q) - mu, 2);
                double biased = sq / count, unbiased = sq / (count - 1);
                double g = bn.weight().data().getDouble(ch), b = bn.bias().data().getDouble(ch);
                for (int i = 0; i < n; i++) for (int r = 0; r < h; r++) for (int q = 0; q < w; q++)
                    assertThat(y.getDouble(i, ch, r, q)).isCloseTo(g * (x.getDouble(i, ch, r, q) - mu) / Math.sqrt(biased + 1e-5) + b, within(1e-12));
                runMean[ch] = 0.9 * runMean[ch] + 0.1 * mu;
                runVar[ch] = 0.9 * runVar[ch] + 0.1 * unbiased;
                assertThat(bn.runningMean().getDouble(ch)).isCloseTo(runMean[ch], within(1e-12));
                assertThat(bn.runningVar().getDouble(ch)).isCloseTo(runVar[ch], within(1e-12));
            }
            assertThat(bn.numBatchesTracked()).isEqualTo(step + 1);
        }
    }

    @Property(tries = 10)
    void evalModeIsTheAffineMapOfTheRunningStatisticsAndChangesNothing(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 4) int c,
                                                                        @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        var bn = new BatchNorm2d(c, 1e-5, 0.1, DataType.DOUBLE);
        bn.weight().assign(Arrays64.random(seed + 1, 0.5, 2, c), "weight");
        bn.bias().assign(Arrays64.random(seed + 2, c), "bias");
        bn.runningMean().assign(Arrays64.random(seed + 3, c));
        bn.runningVar().assign(Arrays64.random(seed + 4, 0.1, 3, c));
        INDArray meanBefore = bn.runningMean().dup(), varBefore = bn.runningVar().dup();
        bn.eval();
        INDArray x = Arrays64.random(seed, n, c, 1, 1);            // a single value per channel is fine in eval mode
        INDArray y = bn.forward(Tensor.constant(x)).value();
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) {
                double scale = bn.weight().data().getDouble(ch) / Math.sqrt(varBefore.getDouble(ch) + 1e-5);
                double shift = bn.bias().data().getDouble(ch) - meanBefore.getDouble(ch) * scale;
                assertThat(y.getDouble(i, ch, 0, 0)).isCloseTo(scale * x.getDouble(i, ch, 0, 0) + shift, within(1e-12));
            }
        assertThat(bn.runningMean()).isEqualTo(meanBefore);
        assertThat(bn.runningVar()).isEqualTo(varBefore);
        assertThat(bn.numBatchesTracked()).isZero();
    }

    @Test
    void namesAndBadInputs() {
        var bn = new BatchNorm2d(3);
        assertThat(bn.namedParameters().keySet()).containsExactly("weight", "bias");
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        assertThat(bn.stateDict().get("num_batches_tracked").rank()).isZero();
        assertThat(bn.stateDict().get("num_batches_tracked").dataType()).isEqualTo(DataType.LONG);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DataType.FLOAT, 2, 3, 4))).hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DataType.FLOAT, 2, 4, 2, 2))).hasMessageContaining("3 channels").hasMessageContaining("(2, 4, 2, 2)");
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DataType.FLOAT, 1, 3, 1, 1))).hasMessageContaining("more than one value");
    }
}
