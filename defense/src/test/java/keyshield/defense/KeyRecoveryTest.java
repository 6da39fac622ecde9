package keyshield.defense;

import keyshield.tensor.Arrays64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;

/** Estimating the key from a keyed patch embedding and the plain one it came from. */
class KeyRecoveryTest {
    @Test
    void aNoisyFoldedWeightGivesTheKeyAway() {
        for (int p : new int[] {4, 8}) {
            SecretKey key = SecretKey.fromSeed(31 + p, p, 3);
            INDArray plain = Arrays64.random(1, 96, 3, p, p);                   // (O, C, p, p)
            INDArray keyed = KeyFolding.fold(plain, key, PixelOrder.HWC).add(Arrays64.random(2, -0.05, 0.05, 96, 3, p, p));
            KeyRecovery.Report r = KeyRecovery.evaluate(keyed, plain, key, PixelOrder.HWC);
            assertThat(r.recovered()).as("p = %d: %s", p, r).isEqualTo(3 * p * p);
            assertThat(r.total()).isEqualTo(3 * p * p);
            assertThat(KeyRecovery.estimate(keyed, plain, PixelOrder.HWC)).containsExactly(key.permutation());
        }
    }

    @Test
    void unrelatedWeightsRecoverAboutAsMuchAsChance() {
        int total = 0;
        for (int seed = 0; seed < 10; seed++) {
            SecretKey key = SecretKey.fromSeed(seed, 4, 3);
            INDArray plain = Arrays64.random(100 + seed, 96, 3, 4, 4), other = Arrays64.random(200 + seed, 96, 3, 4, 4);
            total += KeyRecovery.evaluate(other, plain, key, PixelOrder.HWC).recovered();
        }
        assertThat(total).isLessThanOrEqualTo(25);                                // chance: 1 per trial, 10 in all (Poisson(10) ≤ 25 w.p. 0.99996)
    }

    @Property(tries = 30)
    void theAssignmentIsOptimal(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int n) {
        INDArray c = Arrays64.random(seed, n, n);
        double[][] cost = new double[n][];
        for (int i = 0; i < n; i++) cost[i] = c.getRow(i).toDoubleVector();
        int[] a = Assignment.minimize(cost);
        assertThat(java.util.Arrays.stream(a).sorted().toArray()).isEqualTo(java.util.stream.IntStream.range(0, n).toArray());
        assertThat(total(cost, a)).isLessThanOrEqualTo(bruteForce(cost, new int[n], new boolean[n], 0) + 1e-12);
    }

    static double total(double[][] cost, int[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += cost[i][a[i]];
        return s;
    }

    static double bruteForce(double[][] cost, int[] a, boolean[] used, int i) {
        if (i == a.length) return total(cost, a);
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < a.length; j++) {
            if (used[j]) continue;
            used[j] = true;
            a[i] = j;
            best = Math.min(best, bruteForce(cost, a, used, i + 1));
            used[j] = false;
        }
        return best;
    }
}
