package keyshield.tensor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

import static keyshield.tensor.Arrays64.dot;
import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Broadcasting rules, and the adjoint identities of the movement ops (⟨Ax, y⟩ = ⟨x, Aᵀy⟩). */
class BroadcastProperties {

    @Property(tries = 50)
    void broadcastShapeIsSymmetricAndMatchesTheElementwiseResult(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 3) int b,
                                                                 @ForAll @IntRange(min = 0, max = 15) int mask, @ForAll long seed) {
        long[] x = {a, b, 2};
        long[] y = {mask % 2 == 0 ? a : 1, (mask >> 1) % 2 == 0 ? b : 1, 2};
        if ((mask >> 2) % 2 == 1) y = Arrays.copyOfRange(y, 1, 3);
        assertThat(Broadcast.shape("t", x, y)).isEqualTo(Broadcast.shape("t", y, x));
        Tensor sum = Tensor.constant(random(seed, x)).add(Tensor.constant(random(seed + 1, y)));
        assertThat(sum.shape()).isEqualTo(Broadcast.shape("t", x, y));
    }

    @Property(tries = 50)
    void unbroadcastIsTheAdjointOfBroadcastTo(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 1, max = 3) int b,
                                              @ForAll @IntRange(min = 0, max = 3) int mask, @ForAll long seed) {
        long[] target = {2, a, b};
        long[] small = {mask % 2 == 0 ? a : 1, (mask >> 1) % 2 == 0 ? b : 1};
        INDArray x = random(seed, small), y = random(seed + 1, target);
        double lhs = dot(Tensor.constant(x).broadcastTo(target).value(), y);
        double rhs = dot(x, Broadcast.unbroadcast(y, small));
        assertThat(lhs).isCloseTo(rhs, within(1e-12));
    }

    /** Backward of a movement op, run through the engine, is its adjoint. */
    @Property(tries = 30)
    void movementBackwardIsTheAdjoint(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 2, max = 4) int b,
                                      @ForAll @IntRange(min = 1, max = 3) int c, @ForAll @IntRange(min = 0, max = 5) int which, @ForAll long seed) {
        INDArray x0 = random(seed, a, b, c);
        java.util.function.UnaryOperator<Tensor> op = switch (which) {
            case 0 -> t -> t.permute(2, 0, 1);
            case 1 -> t -> t.reshape(-1);
            case 2 -> t -> t.slice(1, 1, b);
            case 3 -> t -> t.gather(1, b - 1, 0, b - 1);
            case 4 -> t -> t.transpose(0, 1).reshape(b, a * c);
            default -> t -> Tensor.concat(0, t, t);
        };
        Tensor x = Tensor.variable(x0);
        Tensor ax = op.apply(x);
        INDArray y = random(seed + 7, ax.shape());
        ax.backward(y);
        assertThat(dot(ax.value(), y)).isCloseTo(dot(x0, x.grad()), within(1e-12));
    }

    /** Views share storage but no op ever writes through one: inputs are unchanged after forward and backward. */
    @Property(tries = 30)
    void viewsAreNeverWrittenThrough(@ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 2, max = 4) int b, @ForAll long seed) {
        INDArray x0 = random(seed, a, b, 3);
        INDArray before = x0.dup();
        Tensor x = Tensor.variable(x0);
        Tensor v = x.permute(1, 0, 2).slice(0, 0, 1);                       // a view of x's storage
        Tensor y = v.mul(2).add(v).exp().sum().add(x.reshape(-1).sum());
        y.backward();
        assertThat(x0).isEqualTo(before);
        assertThat(v.value()).isEqualTo(before.permute(1, 0, 2).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)));
    }
}
