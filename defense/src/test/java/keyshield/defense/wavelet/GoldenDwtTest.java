package keyshield.defense.wavelet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PyWavelets 1.1.1 {@code wavedec2(img[..., 0], w, mode, level=2)} and its {@code waverec2}, for haar, db2
 * and db4 in both modes: every coefficient array and the reconstruction within 1e-10 (float64).
 */
class GoldenDwtTest {
    static Stream<Arguments> cases() {
        return Stream.of(Wavelet.HAAR, Wavelet.DB2, Wavelet.DB4)
                .flatMap(w -> Stream.of(BoundaryMode.values()).map(m -> Arguments.of(w, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void coefficientsAndReconstructionMatchPyWavelets(Wavelet w, BoundaryMode mode) {
        double[][] img = GoldenFile.channel("img", 0);
        String prefix = w.pywtName() + "_" + mode.pywtName() + "_";
        Dwt2.Decomposition dec = Dwt2.wavedec2(img, w, mode, 2);
        assertThat(dec.levels()).isEqualTo(2);
        double worst = 0;
        worst = Math.max(worst, check(dec.approx(), prefix + "cA2"));
        for (int level = 1; level <= 2; level++) {
            Dwt2.Details d = dec.level(level);
            worst = Math.max(worst, check(d.horizontal(), prefix + "cH" + level));
            worst = Math.max(worst, check(d.vertical(), prefix + "cV" + level));
            worst = Math.max(worst, check(d.diagonal(), prefix + "cD" + level));
        }
        double[][] recon = Dwt2.waverec2(dec, w, mode);
        worst = Math.max(worst, check(recon, prefix + "recon"));
        System.out.printf("golden dwt %s %s: max |diff| %.3g%n", w, mode, worst);
    }

    private static double check(double[][] actual, String key) {
        double[][] expected = Planes.of(GoldenFile.get(key));
        assertThat(actual.length).as(key + " rows").isEqualTo(expected.length);
        assertThat(actual[0].length).as(key + " cols").isEqualTo(expected[0].length);
        double diff = GoldenFile.maxAbsDiff(actual, expected);
        assertThat(diff).as(key + " max |diff|").isLessThanOrEqualTo(1e-10);
        return diff;
    }
}
