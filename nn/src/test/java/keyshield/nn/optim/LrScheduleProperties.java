package keyshield.nn.optim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LrScheduleProperties {
    @Property(tries = 40)
    void warmupRisesToThePeakThenCosineFallsToTheFloor(@ForAll @DoubleRange(min = 1e-5, max = 1) @Scale(8) double base,
                                                        @ForAll @DoubleRange(min = 0, max = 0.5) double minFraction,
                                                        @ForAll @IntRange(min = 0, max = 50) int warmup,
                                                        @ForAll @IntRange(min = 1, max = 300) int decay) {
        var s = new LrSchedule.WarmupCosine(base, base * minFraction, warmup, warmup + decay);
        assertThat(s.lr(0)).isEqualTo(warmup == 0 ? base : 0.0);
        for (int t = 0; t < warmup; t++) {
            assertThat(s.lr(t + 1)).isGreaterThan(s.lr(t));
            assertThat(s.lr(t + 1) - s.lr(t)).isCloseTo(base / warmup, within(1e-12 * base));   // linear
        }
        assertThat(s.lr(warmup)).isEqualTo(base);                                             // the peak
        double maxStep = (base - base * minFraction) * Math.PI / (2 * decay);                // largest cosine slope
        for (int t = warmup; t < warmup + decay; t++) {
            assertThat(s.lr(t + 1)).isLessThanOrEqualTo(s.lr(t));
            assertThat(s.lr(t) - s.lr(t + 1)).isLessThanOrEqualTo(maxStep + 1e-15);
        }
        assertThat(s.lr(warmup + decay)).isCloseTo(base * minFraction, within(1e-15));
        assertThat(s.lr(warmup + decay + 100)).isCloseTo(base * minFraction, within(1e-15));
        for (int t = 0; t <= warmup + decay; t++) assertThat(s.lr(t)).isBetween(0.0, base);
    }

    @Property(tries = 40)
    void oneCycleStartsAtMaxOver25PeaksAndEndsAtStartOver1e4Continuously(@ForAll @DoubleRange(min = 1e-4, max = 1) @Scale(8) double maxLr,
                                                                          @ForAll @IntRange(min = 20, max = 2000) int total,
                                                                          @ForAll @DoubleRange(min = 0.1, max = 0.9) double pctStart) {
        var s = new LrSchedule.OneCycle(maxLr, total, pctStart, 25, 1e4);
        double start = maxLr / 25, end = start / 1e4;
        assertThat(s.lr(0)).isCloseTo(start, within(1e-15 * maxLr));
        assertThat(s.lr(total - 1)).isCloseTo(end, within(1e-15 * maxLr));
        double peakStep = pctStart * total - 1;
        double up = peakStep, down = total - 1 - peakStep;
        double peak = 0;
        for (int t = 0; t < total - 1; t++) {
            double a = s.lr(t), b = s.lr(t + 1);
            peak = Math.max(peak, a);
            assertThat(a).isBetween(end - 1e-15, maxLr);
            if (t + 1 <= peakStep) assertThat(b).isGreaterThan(a);                        // rising phase
            if (t >= peakStep) assertThat(b).isLessThan(a);                               // falling phase
            // continuity: a cosine half-wave moves by at most (amplitude)·π/2 per unit of its phase length,
            // also across the phase boundary (both phases meet at maxLr)
            double bound = Math.max((maxLr - start) * Math.PI / (2 * up), (maxLr - end) * Math.PI / (2 * down));
            assertThat(Math.abs(b - a)).isLessThanOrEqualTo(bound + 1e-15);
        }
        assertThat(peak).isCloseTo(maxLr, within(maxLr * (1 - Math.cos(Math.PI / Math.min(up, down))) + 1e-15));
    }

    @Test
    void oneCycleMatchesPyTorchPhaseArithmetic() {
        // pctStart·T − 1 = 24 exactly: step 24 is the peak; halfway down (step 24 + 75/2) the cosine is at ½
        var s = LrSchedule.OneCycle.of(0.4, 100);
        assertThat(s.initialLr()).isEqualTo(0.4 / 25);
        assertThat(s.finalLr()).isEqualTo(0.4 / 25 / 1e4);
        var q = new LrSchedule.OneCycle(1.0, 100, 0.25, 25, 1e4);
        assertThat(q.lr(24)).isEqualTo(1.0);
        assertThat(q.lr(12)).isCloseTo(0.04 + (1 - 0.04) / 2, within(1e-15));           // halfway up
        double halfDown = q.lr(61) + q.lr(62);                                            // straddle step 61.5
        assertThat(halfDown / 2).isCloseTo((1 + 1e-4 * 0.04) / 2, within(2e-4));
        assertThat(q.lr(100)).isGreaterThan(q.lr(99));                                    // PyTorch allows step T (past the end)
        assertThatThrownBy(() -> q.lr(101)).hasMessageContaining("101");
        assertThatThrownBy(() -> new LrSchedule.OneCycle(1, 2, 0.3, 25, 1e4)).hasMessageContaining("pctStart");
        assertThat(new LrSchedule.Constant(0.3).lr(12345)).isEqualTo(0.3);
    }
}
