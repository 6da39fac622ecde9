package keyshield.defense.wavelet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The filter banks, lengths and level rules, against their definitions and PyWavelets' values. */
class WaveletFiltersTest {
    @ParameterizedTest
    @EnumSource(Wavelet.class)
    void filtersAreAnOrthonormalQuadratureMirrorBank(Wavelet w) {
        double[] lo = w.decLo(), hi = w.decHi();
        int n = lo.length;
        assertThat(n).isEqualTo(w == Wavelet.HAAR ? 2 : 2 * Integer.parseInt(w.name().substring(2)));
        assertThat(java.util.Arrays.stream(lo).sum()).isCloseTo(Math.sqrt(2), within(1e-14));
        assertThat(java.util.Arrays.stream(hi).sum()).isCloseTo(0.0, within(1e-14));
        for (int shift = 0; shift < n; shift += 2) {                        // Σ_k h[k]·h[k + 2m] = δ(m), same for g; h ⟂ g
            double ll = 0, hh = 0, lh = 0;
            for (int k = 0; k + shift < n; k++) {
                ll += lo[k] * lo[k + shift];
                hh += hi[k] * hi[k + shift];
                lh += lo[k] * hi[k + shift];
            }
            assertThat(ll).as("lo·lo shift " + shift).isCloseTo(shift == 0 ? 1 : 0, within(1e-14));
            assertThat(hh).as("hi·hi shift " + shift).isCloseTo(shift == 0 ? 1 : 0, within(1e-14));
            assertThat(lh).as("lo·hi shift " + shift).isCloseTo(0, within(1e-14));
        }
    }

    @Test
    void db2FiltersAreExactlyPyWaveletsAndTheClosedForm() {
        // rec_lo = ((1+√3), (3+√3), (3−√3), (1−√3)) / 4√2; evaluating the closed form in doubles rounds by up to
        // two ulps (2.2e-16), so it is compared at 4e-16; the exact PyWavelets values are checked bit for bit below.
        double r3 = Math.sqrt(3), d = 4 * Math.sqrt(2);
        assertThat(Wavelet.DB2.recLo()).containsExactly(new double[] {(1 + r3) / d, (3 + r3) / d, (3 - r3) / d, (1 - r3) / d}, within(4e-16));
        assertThat(Wavelet.DB2.decLo()).containsExactly(-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416);
        assertThat(Wavelet.DB2.decHi()).containsExactly(-0.48296291314453416, 0.8365163037378079, -0.2241438680420134, -0.12940952255126037);
        assertThat(Wavelet.DB2.recHi()).containsExactly(-0.12940952255126037, -0.2241438680420134, 0.8365163037378079, -0.48296291314453416);
        assertThat(Wavelet.HAAR.decHi()).containsExactly(-0.7071067811865476, 0.7071067811865476);
        assertThat(Wavelet.DB1.recLo()).containsExactly(Wavelet.HAAR.recLo());
    }

    @Test
    void coefficientLengthsFollowPyWavelets() {
        assertThat(BoundaryMode.SYMMETRIC.coefficientLength(33, 4)).isEqualTo(18);     // ⌊(N + L − 1)/2⌋
        assertThat(BoundaryMode.SYMMETRIC.coefficientLength(32, 8)).isEqualTo(19);
        assertThat(BoundaryMode.SYMMETRIC.reconstructionLength(18, 4)).isEqualTo(34);  // 2m − L + 2
        assertThat(BoundaryMode.PERIODIZATION.coefficientLength(33, 4)).isEqualTo(17); // ⌈N/2⌉
        assertThat(BoundaryMode.PERIODIZATION.reconstructionLength(17, 4)).isEqualTo(34);
        Dwt2.Level one = Dwt2.dwt2(new double[7][10], Wavelet.DB3, BoundaryMode.SYMMETRIC);
        assertThat(one.approx().length).isEqualTo(6);
        assertThat(one.details().diagonal()[0].length).isEqualTo(7);
    }

    @Test
    void maxLevelIsPyWaveletsDwtMaxLevel() {
        assertThat(Dwt2.dwtMaxLevel(32, 2)).isEqualTo(5);
        assertThat(Dwt2.dwtMaxLevel(32, 4)).isEqualTo(3);
        assertThat(Dwt2.dwtMaxLevel(32, 8)).isEqualTo(2);
        assertThat(Dwt2.dwtMaxLevel(224, 16)).isEqualTo(3);
        assertThat(Dwt2.dwtMaxLevel(7, 8)).isEqualTo(0);
        assertThat(Dwt2.dwtMaxLevel(1, 2)).isEqualTo(0);
        assertThatThrownBy(() -> Dwt2.dwtMaxLevel(10, 1)).hasMessageContaining("filter length must be >= 2 but is 1");
    }

    @Test
    void haarLevelOneIsSumsAndDifferencesOfTwoByTwoBlocks() {
        // PyWavelets' Haar detail of a pair (a, b) is (a − b)/√2: dec_hi = (−1/√2, 1/√2) applied as a convolution.
        double[][] x = {{1, 2}, {3, 5}};
        Dwt2.Level one = Dwt2.dwt2(x, Wavelet.HAAR, BoundaryMode.PERIODIZATION);
        assertThat(one.approx()[0][0]).isCloseTo((1 + 2 + 3 + 5) / 2.0, within(1e-15));
        assertThat(one.details().horizontal()[0][0]).isCloseTo((1 + 2 - 3 - 5) / 2.0, within(1e-15));   // down the columns
        assertThat(one.details().vertical()[0][0]).isCloseTo((1 + 3 - 2 - 5) / 2.0, within(1e-15));     // across the rows
        assertThat(one.details().diagonal()[0][0]).isCloseTo((1 + 5 - 2 - 3) / 2.0, within(1e-15));
    }

    @Test
    void badInputsAreRefusedClearly() {
        assertThatThrownBy(() -> Dwt2.wavedec2(new double[0][0], Wavelet.HAAR, BoundaryMode.SYMMETRIC, 1))
                .hasMessageContaining("at least one row and one column");
        assertThatThrownBy(() -> Dwt2.wavedec2(new double[][] {{1, 2}, {3}}, Wavelet.HAAR, BoundaryMode.SYMMETRIC, 1))
                .hasMessageContaining("row of length 1, expected 2");
        assertThatThrownBy(() -> Dwt2.wavedec2(new double[4][4], Wavelet.HAAR, BoundaryMode.SYMMETRIC, -1))
                .hasMessageContaining("level must be >= 0 but is -1");
        Dwt2.Decomposition dec = Dwt2.wavedec2(new double[8][8], Wavelet.HAAR, BoundaryMode.SYMMETRIC, 2);
        Dwt2.Decomposition wrong = new Dwt2.Decomposition(new double[5][2], dec.details());
        assertThatThrownBy(() -> Dwt2.waverec2(wrong, Wavelet.HAAR, BoundaryMode.SYMMETRIC))
                .hasMessageContaining("approximation 5×2 does not fit details 2×2");
    }
}
