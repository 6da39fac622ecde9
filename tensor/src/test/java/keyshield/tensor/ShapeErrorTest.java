package keyshield.tensor;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static keyshield.tensor.Arrays64.random;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad shapes, ranks, axes and dtypes are refused with messages that name the op, expected and actual. */
class ShapeErrorTest {
    private static Tensor t(long... shape) { return Tensor.variable(random(1, shape)); }

    @Test
    void matmulInnerDimensions() {
        assertThatThrownBy(() -> t(2, 3).matmul(t(4, 5))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("matmul").hasMessageContaining("(2, 3)").hasMessageContaining("(4, 5)");
        assertThatThrownBy(() -> t(2, 2, 3).matmul(t(3, 3, 5))).hasMessageContaining("batch axes differ");
        assertThatThrownBy(() -> t(3).matmul(t(3, 2))).hasMessageContaining("rank >= 2");
    }

    @Test
    void broadcastingThatTheMathDoesNotDefine() {
        assertThatThrownBy(() -> t(2, 3).add(t(2))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("add").hasMessageContaining("(2, 3)").hasMessageContaining("(2)");
        assertThatThrownBy(() -> t(4, 3).mul(t(2, 1, 3).slice(0, 0, 1).reshape(3, 1))).hasMessageContaining("mul");
        assertThatThrownBy(() -> t(2, 3).broadcastTo(4, 3)).hasMessageContaining("broadcastTo");
    }

    /** ND4J turns x · NaN into small finite numbers; our scalar ops refuse non-finite scalars instead. */
    @Test
    void nonFiniteScalarsAreRefused() {
        assertThatThrownBy(() -> t(2, 3).mul(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mulScalar").hasMessageContaining("NaN");
        assertThatThrownBy(() -> t(2, 3).add(Double.POSITIVE_INFINITY)).hasMessageContaining("addScalar").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> t(2, 3).div(0.0)).hasMessageContaining("mulScalar").hasMessageContaining("Infinity");
    }

    @Test
    void axesOutOfRange() {
        assertThatThrownBy(() -> t(2, 3).sum(false, 2)).hasMessageContaining("sum").hasMessageContaining("axis 2").hasMessageContaining("rank 2");
        assertThatThrownBy(() -> t(2, 3).softmax(-3)).hasMessageContaining("softmax").hasMessageContaining("axis -3");
        assertThatThrownBy(() -> t(2, 3).permute(0, 0)).hasMessageContaining("permute").hasMessageContaining("twice");
        assertThatThrownBy(() -> t(2, 3).permute(0)).hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> t(2, 3).slice(1, 2, 5)).hasMessageContaining("slice").hasMessageContaining("size 3");
        assertThatThrownBy(() -> t(2, 3).select(0, 2)).hasMessageContaining("select");
        assertThatThrownBy(() -> t(2, 3).gather(1, 3)).hasMessageContaining("gather");
    }

    @Test
    void reshapeCounts() {
        assertThatThrownBy(() -> t(2, 3).reshape(4, 2)).hasMessageContaining("reshape").hasMessageContaining("(2, 3)").hasMessageContaining("(4, 2)");
        assertThatThrownBy(() -> t(2, 3).reshape(-1, -1)).hasMessageContaining("reshape");
        assertThatThrownBy(() -> t(2, 3).reshape(4, -1)).hasMessageContaining("reshape");
    }

    @Test
    void labelsAndLayers() {
        assertThatThrownBy(() -> t(2, 3).pick(new int[] {0, 3})).hasMessageContaining("label 3").hasMessageContaining("[0, 3)");
        assertThatThrownBy(() -> t(2, 3).pick(new int[] {0})).hasMessageContaining("pick");
        assertThatThrownBy(() -> t(2, 4).linear(t(5, 3), null)).hasMessageContaining("linear").hasMessageContaining("(2, 4)").hasMessageContaining("(5, 3)");
        assertThatThrownBy(() -> t(1, 2, 5, 5).conv2d(t(4, 3, 3, 3), null, 1, 0)).hasMessageContaining("conv2d").hasMessageContaining("input channels");
        assertThatThrownBy(() -> t(1, 2, 2, 2).conv2d(t(4, 2, 3, 3), null, 1, 0)).hasMessageContaining("larger than");
        assertThatThrownBy(() -> t(2, 5, 5).maxPool2d(2, 2, 0)).hasMessageContaining("rank 4");
    }

    @Test
    void dtypeMixing() {
        Tensor f32 = Tensor.variable(random(2, 2, 3).castTo(DataType.FLOAT));
        assertThatThrownBy(() -> f32.add(t(2, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("add").hasMessageContaining("FLOAT").hasMessageContaining("DOUBLE");
    }
}
