package keyshield.defense;

import keyshield.tensor.GradCheck;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static keyshield.tensor.Arrays64.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Invariants of the block shuffle over random keys, block sizes 1, 2, 4, 8, channel counts and image sizes. */
class BlockShuffleProperties {
    /** A key, a pixel order and an image batch shape the key fits. */
    record Case(SecretKey key, PixelOrder order, long[] shape, long seed) {
        INDArray image() { return Images.random(seed, shape); }

        @Override public String toString() { return key + " " + order + " " + Arrays.toString(shape); }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> m = Arbitraries.of(1, 2, 4, 8);
        Arbitrary<Integer> c = Arbitraries.of(1, 3);
        return Combinators.combine(Arbitraries.longs(), m, c, Arbitraries.of(PixelOrder.values()),
                Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3))
                .as((seed, bs, ch, order, b, hb, wb) -> new Case(SecretKey.fromSeed(seed, bs, ch), order,
                        new long[] {b, ch, (long) hb * bs, (long) wb * bs}, seed ^ 0x5DEECE66DL));
    }

    @Property(tries = 40)
    void inverseUndoesTheShuffle(@ForAll("cases") Case k) {
        BlockShuffle t = new BlockShuffle(k.key(), k.order());
        INDArray x = k.image();
        assertThat(t.inverse(t.apply(x))).isEqualTo(x);
        assertThat(t.apply(t.inverse(x))).isEqualTo(x);
    }

    @Property(tries = 25)
    void matchesThePerPixelDefinition(@ForAll("cases") Case k) {
        BlockShuffle t = new BlockShuffle(k.key(), k.order());
        INDArray x = k.image();
        assertThat(t.apply(x)).isEqualTo(Images.shuffleByDefinition(x, k.key().blockSize(), k.order(), t.permutation()));
    }

    @Property(tries = 30)
    void everyBlockKeepsItsValuesAndGetsTheSamePermutation(@ForAll("cases") Case k) {
        int m = k.key().blockSize(), c = k.key().channels();
        long[] s = k.shape();
        INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, s);
        long blocksPerImage = (s[2] / m) * (s[3] / m);
        for (long n = 0; n < s[0]; n++)                                      // value = 1000·(global block number) + position in block vector
            for (int ch = 0; ch < c; ch++)
                for (long y = 0; y < s[2]; y++)
                    for (long xx = 0; xx < s[3]; xx++) {
                        long block = n * blocksPerImage + (y / m) * (s[3] / m) + xx / m;
                        int pos = k.order().index(ch, (int) (y % m), (int) (xx % m), c, m);
                        x.putScalar(new long[] {n, ch, y, xx}, 1000.0 * block + pos);
                    }
        INDArray out = new BlockShuffle(k.key(), k.order()).apply(x);
        int[] p = k.key().permutation();
        for (long n = 0; n < s[0]; n++)
            for (int ch = 0; ch < c; ch++)
                for (long y = 0; y < s[2]; y++)
                    for (long xx = 0; xx < s[3]; xx++) {
                        long block = n * blocksPerImage + (y / m) * (s[3] / m) + xx / m;
                        int pos = k.order().index(ch, (int) (y % m), (int) (xx % m), c, m);
                        assertThat(out.getDouble(n, ch, y, xx)).isEqualTo(1000.0 * block + p[pos]);
                    }
    }

    @Property(tries = 20)
    void eachOutputBlockHoldsTheMultisetOfItsInputBlock(@ForAll("cases") Case k) {
        int m = k.key().blockSize();
        INDArray x = k.image(), y = new BlockShuffle(k.key(), k.order()).apply(x);
        INDArray xr = Blocks.rows(x, m, PixelOrder.CHW), yr = Blocks.rows(y, m, PixelOrder.CHW);   // any fixed layout will do
        for (int r = 0; r < xr.size(0); r++) {
            double[] a = xr.getRow(r).toDoubleVector(), b = yr.getRow(r).toDoubleVector();
            Arrays.sort(a);
            Arrays.sort(b);
            assertThat(b).containsExactly(a);
        }
    }

    @Property(tries = 200)
    void differentKeysGiveDifferentPermutations(@ForAll long a, @ForAll long b, @ForAll("blockSizes") int m) {
        if (a == b) return;
        assertThat(SecretKey.fromSeed(a, m, 3).permutation()).isNotEqualTo(SecretKey.fromSeed(b, m, 3).permutation());
    }

    @Property(tries = 50)
    void differentRandomKeysGiveDifferentPermutations(@ForAll("blockSizes") int m) {
        java.security.SecureRandom r = new java.security.SecureRandom();
        assertThat(SecretKey.generate(m, 3, r).permutation()).isNotEqualTo(SecretKey.generate(m, 3, r).permutation());
    }

    @Property(tries = 5)
    void float32ImagesInsideAScopeGiveTheFloat64Values(@ForAll("cases") Case k) {
        BlockShuffle t = new BlockShuffle(k.key(), k.order());
        INDArray x64 = k.image(), expected = t.apply(x64);
        try (var step = keyshield.tensor.Scope.open()) {
            Tensor x = Tensor.variable(x64.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
            Tensor y = t.apply(x);
            y.backward(y.value());
            assertThat(y.dtype()).isEqualTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            assertThat(y.value().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(expected).amaxNumber().doubleValue()).isLessThan(1e-7);
            assertThat(x.grad()).isEqualTo(x.value());                      // tᵀ t = id
        }
    }

    @Provide
    Arbitrary<Integer> blockSizes() { return Arbitraries.of(2, 4, 8); }

    @Provide
    Arbitrary<Integer> smallBlocks() { return Arbitraries.of(1, 2, 4); }

    @Property(tries = 10)
    void blockSizeOneWithOneChannelIsTheIdentity(@ForAll long seed, @ForAll @IntRange(min = 1, max = 9) int h) {
        INDArray x = Images.random(seed, 2, 1, h, h + 1);
        assertThat(new BlockShuffle(SecretKey.fromSeed(seed, 1, 1)).apply(x)).isEqualTo(x);
    }

    @Property(tries = 25)
    void backwardIsTheAdjointAndTheInverse(@ForAll("cases") Case k) {         // ⟨t(x), y⟩ = ⟨x, tᵀ(y)⟩ and tᵀ = t⁻¹
        BlockShuffle t = new BlockShuffle(k.key(), k.order());
        Tensor x = Tensor.variable(k.image());
        INDArray y = Images.random(k.seed() + 1, k.shape());
        Tensor tx = t.apply(x);
        tx.backward(y);
        assertThat(dot(tx.value(), y)).isCloseTo(dot(x.value(), x.grad()), within(1e-12));
        assertThat(x.grad()).isEqualTo(t.inverse(y));
    }

    @Property(tries = 5)
    void passesAGradientCheck(@ForAll long seed, @ForAll("smallBlocks") int m, @ForAll PixelOrder order) {
        BlockShuffle t = new BlockShuffle(SecretKey.fromSeed(seed, m, 3), order);
        INDArray x = Images.random(seed, 1, 3, m, 2L * m);
        assertThat(GradCheck.check(in -> t.apply(in[0]).mul(t.apply(in[0])), x).max()).isLessThan(1e-6);
        assertThat(GradCheck.check(in -> t.inverse(in[0]).mul(in[0]), x).max()).isLessThan(1e-6);
    }

    @Property(tries = 10)
    void blockSizesThatDoNotDivideTheImageAreRejected(@ForAll("blockSizes") int m, @ForAll @IntRange(min = 1, max = 7) int extra) {
        if (extra % m == 0) return;
        BlockShuffle t = new BlockShuffle(SecretKey.fromSeed(1, m, 3));
        INDArray tall = Images.random(1, 1, 3, m + extra, m), wide = Images.random(1, 1, 3, m, m + extra);
        assertThatThrownBy(() -> t.apply(tall)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("block size " + m).hasMessageContaining("height " + (m + extra));
        assertThatThrownBy(() -> t.apply(wide)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("block size " + m).hasMessageContaining("width " + (m + extra));
    }

    @Property(tries = 5)
    void channelCountsThatDoNotMatchTheKeyAreRejected(@ForAll("blockSizes") int m) {
        BlockShuffle t = new BlockShuffle(SecretKey.fromSeed(1, m, 3));
        assertThatThrownBy(() -> t.apply(Images.random(1, 1, 1, m, m))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("for 3 channels").hasMessageContaining("have 1");
        assertThatThrownBy(() -> t.apply(Images.random(1, 3, m, m))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("rank 4");
    }
}
