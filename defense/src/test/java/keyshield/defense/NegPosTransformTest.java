package keyshield.defense;

import keyshield.tensor.GradCheck;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static keyshield.tensor.Arrays64.dot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The negative/positive transform, composition of keyed transforms, and f_K = g ∘ t_K. */
class NegPosTransformTest {
    @Property(tries = 15)
    void invertsExactlyTheSelectedPositionsOfEveryBlock(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int m,
                                                         @ForAll PixelOrder order) {
        SecretKey key = SecretKey.fromSeed(seed, m, 3);
        NegPosTransform t = new NegPosTransform(key, order);
        boolean[] s = t.selection();
        INDArray x = Images.random(seed, 2, 3, 2L * m, 3L * m), y = t.apply(x);
        for (long n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (long i = 0; i < 2L * m; i++)
                    for (long j = 0; j < 3L * m; j++) {
                        double v = x.getDouble(n, c, i, j);
                        boolean flip = s[order.index(c, (int) (i % m), (int) (j % m), 3, m)];
                        assertThat(y.getDouble(n, c, i, j)).isCloseTo(flip ? 1 - v : v, within(1e-15));
                    }
        assertThat(t.inverse(y).sub(x).amaxNumber().doubleValue()).isLessThan(1e-15);
    }

    @Test
    void selectsAboutHalfOfALargeBlock() {
        boolean[] s = new NegPosTransform(SecretKey.fromSeed(3, 16, 3)).selection();
        int count = 0;
        for (boolean b : s) count += b ? 1 : 0;
        assertThat(count).isBetween(768 / 2 - 60, 768 / 2 + 60);                    // ±4.3 σ of Binomial(768, ½)
    }

    @Test
    void passesAGradientCheck() {
        NegPosTransform t = new NegPosTransform(SecretKey.fromSeed(11, 2, 3));
        assertThat(GradCheck.check(in -> t.apply(in[0]).mul(in[0]), Images.random(5, 1, 3, 4, 2)).max()).isLessThan(1e-6);
    }

    @Property(tries = 10)
    void composedTransformsInvertInReverseOrderAndPassGradientsThrough(@ForAll long seed) {
        SecretKey key = SecretKey.fromSeed(seed, 2, 3);
        KeyedTransform shuffle = new BlockShuffle(key), negpos = new NegPosTransform(key), t = shuffle.andThen(negpos);
        INDArray x = Images.random(seed, 1, 3, 4, 6);
        assertThat(t.apply(x).sub(negpos.apply(shuffle.apply(x))).amaxNumber().doubleValue()).isZero();
        assertThat(t.inverse(t.apply(x)).sub(x).amaxNumber().doubleValue()).isLessThan(1e-15);
        assertThat(t.describe()).contains("block shuffle").contains("negative/positive").contains(key.fingerprint());

        Tensor v = Tensor.variable(x);                                       // affine: ⟨t(x) − t(0), y⟩ = ⟨x, tᵀ y⟩
        INDArray y = Images.random(seed + 1, 1, 3, 4, 6);
        Tensor tv = t.apply(v);
        tv.backward(y);
        double lhs = dot(tv.value().sub(t.apply(x.mul(0))), y);
        assertThat(lhs).isCloseTo(dot(x, v.grad()), within(1e-12));
    }

    @Test
    void aKeyedClassifierIsTheClassifierOfTransformedImages() {
        SecretKey key = SecretKey.fromSeed(2, 2, 3);
        KeyedTransform t = new BlockShuffle(key);
        KeyedClassifier f = new KeyedClassifier(x -> x.sum(false, 1, 2, 3), t);   // g: a toy score per image
        INDArray x = Images.random(1, 2, 3, 4, 4);
        Tensor in = Tensor.variable(x);
        Tensor out = f.apply(in);
        assertThat(out.value().sub(t.apply(x).sum(1, 2, 3)).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(t.asModule().forward(Tensor.constant(x)).value()).isEqualTo(t.apply(x));
    }
}
