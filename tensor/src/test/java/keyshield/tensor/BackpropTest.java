package keyshield.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The backward engine's contract: accumulation, graph release, no-grad scopes, deep graphs. */
class BackpropTest {

    @Test
    void aTensorUsedOnTwoPathsGetsTheSumOfBothGradients() {
        INDArray x0 = random(1, 3, 4);
        Tensor x = Tensor.variable(x0);
        x.mul(x).add(x).sum().backward();                                   // d/dx Σ (x² + x) = 2x + 1
        assertThat(x.grad().sub(x0.mul(2).add(1)).amaxNumber().doubleValue()).isLessThan(1e-15);
    }

    @Test
    void leafGradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.variable(random(2, 5));
        x.mul(3).sum().backward();
        x.mul(4).sum().backward();
        assertThat(x.grad().minNumber().doubleValue()).isEqualTo(7.0, within(1e-15));
        assertThat(x.grad().maxNumber().doubleValue()).isEqualTo(7.0, within(1e-15));
        x.zeroGrad();
        assertThat(x.grad().amaxNumber().doubleValue()).isZero();
    }

    @Test
    void backwardTwiceOnAFreedGraphNamesTheOp() {
        Tensor x = Tensor.variable(random(3, 2, 2));
        Tensor loss = x.exp().sum();
        loss.backward();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sum").hasMessageContaining("already been freed").hasMessageContaining("retainGraph");
    }

    @Test
    void retainGraphAllowsASecondBackward() {
        INDArray x0 = random(4, 3);
        Tensor x = Tensor.variable(x0);
        Tensor loss = x.exp().sum();
        loss.backward(Nd4j.scalar(DataType.DOUBLE, 1.0), true);
        loss.backward(Nd4j.scalar(DataType.DOUBLE, 1.0), false);
        assertThat(x.grad().sub(org.nd4j.linalg.ops.transforms.Transforms.exp(x0, true).mul(2)).amaxNumber().doubleValue()).isLessThan(1e-14);
    }

    @Test
    void nothingIsRecordedWithGradModeOffAndScopesNest() {
        Tensor x = Tensor.variable(random(5, 2));
        try (var off = GradMode.off()) {
            Tensor y = x.mul(2);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.isLeaf()).isTrue();
            try (var on = GradMode.on()) {
                assertThat(x.mul(2).requiresGrad()).isTrue();
            }
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(x.mul(2).requiresGrad()).isTrue();
    }

    @Test
    void constantsReceiveNoGradient() {
        Tensor c = Tensor.constant(random(6, 3));
        Tensor x = Tensor.variable(random(7, 3));
        x.mul(c).sum().backward();
        assertThat(c.grad()).isNull();
        assertThat(x.grad()).isNotNull();
    }

    @Test
    void onlyAScalarSeedsBackwardWithoutAGradient() {
        Tensor y = Tensor.variable(random(8, 2, 3)).mul(2);
        assertThatThrownBy(y::backward).isInstanceOf(ShapeException.class).hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> y.backward(Nd4j.ones(DataType.DOUBLE, 3, 2)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("(2, 3)").hasMessageContaining("(3, 2)");
    }

    @Test
    void aDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.variable(Nd4j.scalar(DataType.DOUBLE, 0.5));
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = y.add(0.0);
        y.mul(3).backward();
        assertThat(x.grad().getDouble(0)).isEqualTo(3.0);
    }

    @Test
    void frozenParametersGetNoGradient() {
        Parameter w = new Parameter(random(9, 3, 3));
        Parameter frozen = new Parameter(random(10, 3));
        frozen.setTrainable(false);
        Tensor.constant(random(11, 2, 3)).linear(w, frozen).sum().backward();
        assertThat(w.grad()).isNotNull();
        assertThat(frozen.grad()).isNull();
    }

    @Test
    void backwardNeverWritesIntoInputs() {
        INDArray x0 = random(12, 3, 4);
        INDArray copy = x0.dup();
        Tensor x = Tensor.variable(x0);
        Tensor y = x.reshape(4, 3).transpose(0, 1).add(x).mul(x);
        y.sum().backward();
        assertThat(x.value()).isEqualTo(copy);
    }
}
