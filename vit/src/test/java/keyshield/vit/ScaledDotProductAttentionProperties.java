package keyshield.vit;

import keyshield.tensor.Function;
import keyshield.tensor.GradCheck;
import keyshield.tensor.Rng;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fused attention op equals attention composed from small differentiable ops, and its backward is the derivative. */
class ScaledDotProductAttentionProperties {

    /** timm's formula, op by op on our autograd: the reference the fused op replaces. */
    private static Tensor composed(Tensor qkv, int heads) {
        long b = qkv.size(0), n = qkv.size(1), d = qkv.size(2) / 3, dh = d / heads;
        Tensor t = qkv.reshape(b, n, 3, heads, dh).permute(2, 0, 3, 1, 4);          // (3, B, H, N, Dh)
        Tensor q = t.select(0, 0), k = t.select(0, 1), v = t.select(0, 2);           // (B, H, N, Dh)
        Tensor attn = q.mul(Math.pow(dh, -0.5)).matmul(k.transpose(-2, -1)).softmax(-1);   // (B, H, N, N)
        return attn.matmul(v).transpose(1, 2).reshape(b, n, d);                      // (B, N, D)
    }

    private static double rel(INDArray a, INDArray b) {
        return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }

    @Property(tries = 12)
    void equalsTheComposedFormulaForwardAndBackward(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int heads,
                                                    @ForAll @IntRange(min = 1, max = 7) int tokens) {
        INDArray x = Rng.seeded(seed).uniform(DataType.DOUBLE, -2, 2, 2, tokens, 3 * heads * 4);   // (B, N, 3·D), Dh = 4
        INDArray seedGrad = Rng.seeded(seed + 1).uniform(DataType.DOUBLE, -1, 1, 2, tokens, heads * 4);
        Tensor a = Tensor.variable(x.dup()), b = Tensor.variable(x.dup());
        Tensor fused = Function.apply(new ScaledDotProductAttention(heads), a);
        Tensor reference = composed(b, heads);
        assertThat(rel(fused.value(), reference.value())).as("forward").isLessThan(1e-13);
        fused.backward(seedGrad, false);
        reference.backward(seedGrad, false);
        assertThat(rel(a.grad(), b.grad())).as("gradient").isLessThan(1e-12);
    }

    @Property(tries = 6)
    void backwardIsTheDerivative(@ForAll long seed, @ForAll @IntRange(min = 1, max = 2) int heads) {
        INDArray x = Rng.seeded(seed).uniform(DataType.DOUBLE, -1, 1, 2, 5, 3 * heads * 3);
        assertThat(GradCheck.check(t -> Function.apply(new ScaledDotProductAttention(heads), t[0]), x).max()).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void probabilitiesAreRowStochasticAndShapesAreChecked() {
        ScaledDotProductAttention core = new ScaledDotProductAttention(2);
        Function.apply(core, Tensor.constant(Rng.seeded(3).uniform(DataType.DOUBLE, -1, 1, 2, 5, 12)));
        INDArray p = core.probabilities();                                           // (B, H, N, N)
        assertThat(p.shape()).containsExactly(2, 2, 5, 5);
        assertThat(p.sum(3).sub(1.0).amaxNumber().doubleValue()).isLessThan(1e-14);
        assertThatThrownBy(() -> Function.apply(new ScaledDotProductAttention(2), Tensor.constant(Rng.seeded(3).uniform(DataType.DOUBLE, 0, 1, 2, 5, 10))))
                .isInstanceOf(ShapeException.class).hasMessageContaining("(2, 5, 10)");
    }
}
