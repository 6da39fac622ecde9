package keyshield.defense;

import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys: pinned derivations (a key file must mean the same permutation in every version), secrecy of toString, equality. */
class SecretKeyTest {
    /** Material 00 01 … 1f, M = 2, C = 3. */
    static SecretKey fixedRandomKey() {
        byte[] m = new byte[32];
        for (int i = 0; i < m.length; i++) m[i] = (byte) i;
        return new SecretKey(m, 2, 3, SecretKey.Origin.RANDOM);
    }

    /**
     * Regression vectors of derivation v1, computed once and pasted; they agree with an independent
     * Python transcription of the SecretKey Javadoc (src/test/resources/derive_permutation.py).
     */
    @Test
    void fixedKeysGiveTheirPinnedPermutations() {
        assertThat(fixedRandomKey().permutation()).containsExactly(7, 8, 2, 0, 4, 10, 9, 6, 11, 5, 1, 3);
        byte[] m = new byte[32];
        for (int i = 0; i < m.length; i++) m[i] = (byte) i;
        assertThat(new SecretKey(m, 4, 3, SecretKey.Origin.RANDOM).permutation()).containsExactly(
                41, 12, 47, 13, 32, 45, 30, 44, 28, 1, 27, 38, 15, 43, 23, 19, 26, 8, 17, 29, 3, 14, 40, 35,
                16, 39, 2, 7, 9, 34, 31, 10, 22, 6, 36, 42, 0, 21, 20, 18, 24, 11, 4, 25, 33, 46, 37, 5);
        assertThat(SecretKey.fromSeed(42, 2, 3).permutation()).containsExactly(0, 11, 3, 9, 2, 4, 6, 10, 7, 1, 8, 5);
        assertThat(SecretKey.fromSeed(42, 2, 3).fingerprint()).isEqualTo("10833f3e9ee0abce");
    }

    @Test
    void thePermutationIsAPermutationOfTheBlockVector() {
        int[] p = SecretKey.fromSeed(7, 16, 3).permutation();
        assertThat(p).hasSize(768);
        assertThat(java.util.Arrays.stream(p).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, 768).toArray());
    }

    @Test
    void blockSizeAndChannelsAreMixedIntoTheDerivation() {
        SecretKey a = SecretKey.fromSeed(5, 4, 3), b = SecretKey.fromSeed(5, 4, 1);
        assertThat(a.permutation()).isNotEqualTo(java.util.Arrays.copyOf(b.permutation(), 48));
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint()).isNotEqualTo(SecretKey.fromSeed(5, 2, 3).fingerprint());
    }

    @Test
    void toStringShowsTheFingerprintButNeverTheMaterial() {
        SecretKey k = SecretKey.generate(4, 3, new SecureRandom());
        String s = k.toString();
        assertThat(s).contains(k.fingerprint()).contains("block=4").contains("channels=3");
        assertThat(s).doesNotContain(Base64.getEncoder().encodeToString(k.material()))
                .doesNotContain(HexFormat.of().formatHex(k.material()).substring(0, 8));
        assertThat(k.fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
    }

    @Test
    void newKeysHave256BitsAndDiffer() {
        SecureRandom r = new SecureRandom();
        SecretKey a = SecretKey.generate(4, 3, r), b = SecretKey.generate(4, 3, r);
        assertThat(a.materialBits()).isEqualTo(256);
        assertThat(a).isNotEqualTo(b);
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
    }

    @Test
    void equalityFollowsMaterialBlockChannelsAndOrigin() {
        assertThat(SecretKey.fromSeed(3, 4, 3)).isEqualTo(SecretKey.fromSeed(3, 4, 3)).hasSameHashCodeAs(SecretKey.fromSeed(3, 4, 3));
        assertThat(SecretKey.fromSeed(3, 4, 3)).isNotEqualTo(SecretKey.fromSeed(4, 4, 3)).isNotEqualTo(SecretKey.fromSeed(3, 2, 3));
        assertThat(fixedRandomKey()).isEqualTo(fixedRandomKey()).isNotEqualTo(SecretKey.fromSeed(0, 2, 3));
    }

    @Test
    void badParametersAreRejected() {
        assertThatThrownBy(() -> SecretKey.fromSeed(1, 0, 3)).hasMessageContaining("block size must be at least 1 but is 0");
        assertThatThrownBy(() -> SecretKey.fromSeed(1, 4, 0)).hasMessageContaining("channels must be at least 1 but is 0");
        assertThatThrownBy(() -> new SecretKey(new byte[8], 4, 3, SecretKey.Origin.RANDOM)).hasMessageContaining("at least 16 bytes but is 8");
        assertThatThrownBy(() -> new SecretKey(new byte[16], 4, 3, SecretKey.Origin.SEED)).hasMessageContaining("exactly 8 bytes but is 16");
    }

    @Test
    void boundedDrawsCoverTheRangeUniformly() {
        UniformRandomProvider rng = SecretKey.fromSeed(9, 1, 1).generator("test");
        int n = 7, draws = 70_000;
        int[] counts = new int[n];
        for (int i = 0; i < draws; i++) counts[SecretKey.bounded(rng, n)]++;
        double chi2 = 0;
        for (int c : counts) chi2 += Math.pow(c - draws / (double) n, 2) / (draws / (double) n);
        assertThat(chi2).isLessThan(22.5);                                    // χ²(6) at p = 0.001
    }
}
