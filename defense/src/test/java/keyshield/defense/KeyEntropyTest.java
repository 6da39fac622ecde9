package keyshield.defense;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** log2(K!) against exact big-integer factorials; effective entropy = min(nominal, material). */
class KeyEntropyTest {
    static double exactLog2Factorial(int n) {
        BigInteger f = BigInteger.ONE;
        for (int k = 2; k <= n; k++) f = f.multiply(BigInteger.valueOf(k));
        int shift = Math.max(0, f.bitLength() - 60);                            // keep 60 significant bits
        return shift + Math.log(f.shiftRight(shift).doubleValue()) / Math.log(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 12, 48, 192, 768, 3072})
    void nominalBitsAreLog2OfKFactorial(int k) {
        assertThat(KeyEntropy.log2Factorial(k)).isCloseTo(exactLog2Factorial(k), within(1e-9 * Math.max(1, k)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 16})
    void effectiveEntropyIsCappedByTheMaterial(int m) {
        KeyEntropy seeded = KeyEntropy.of(SecretKey.fromSeed(1, m, 3)), random = KeyEntropy.of(SecretKey.generate(m, 3, new SecureRandom()));
        double nominal = exactLog2Factorial(3 * m * m);
        assertThat(seeded.permutationSize()).isEqualTo(3 * m * m);
        assertThat(seeded.nominalBits()).isCloseTo(nominal, within(1e-6));
        assertThat(seeded.effectiveBits()).isEqualTo(Math.min(nominal, 64), within(1e-6));
        assertThat(random.effectiveBits()).isEqualTo(Math.min(nominal, 256), within(1e-6));
    }
}
