package keyshield.tensor.functions;

import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution and pooling over NCHW images, on libnd4j's native kernels ({@code conv2d},
 * {@code conv2d_bp}, {@code avgpool2d}, {@code maxpool2d} and their backward ops). Square kernels,
 * one stride and one zero padding for both spatial axes, no dilation: what the patch embedding and
 * ResNet need.
 */
public final class Conv {
    private Conv() {}

    /** Output size of a window sweep: ⌊(n + 2·padding − kernel) / stride⌋ + 1. */
    public static long outSize(String op, long n, int kernel, int stride, int padding) {
        if (kernel < 1 || stride < 1 || padding < 0)
            throw new ShapeException(op + ": kernel " + kernel + ", stride " + stride + ", padding " + padding + " must be positive (padding >= 0)");
        long span = n + 2L * padding - kernel;
        if (span < 0) throw new ShapeException(op + ": kernel " + kernel + " is larger than the padded input size " + (n + 2L * padding));
        return span / stride + 1;
    }

    /** Integer arguments of libnd4j's 2-D window ops for an NCHW input. */
    private static int[] windowArgs(int k, int s, int p, int extra, int... tail) {
        int[] base = {k, k, s, s, p, p, 1, 1, 0, extra};
        int[] out = new int[base.length + tail.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(tail, 0, out, base.length, tail.length);
        return out;
    }

    /**
     * y[n, o, i, j] = b[o] + Σ_{c, u, v} w[o, c, u, v] · x[n, c, s·i + u − p, s·j + v − p] (zero padding).
     * Shapes: x (N, C, H, W), w (O, C, k, k), b (O) → (N, O, H', W'). Backward is {@code conv2d_bp}.
     */
    public static final class Conv2d extends Function {
        private final int stride, padding;
        private final boolean hasBias;
        private INDArray[] saved;
        private int[] args;

        public Conv2d(int stride, int padding, boolean hasBias) { this.stride = stride; this.padding = padding; this.hasBias = hasBias; }

        @Override protected INDArray forward(INDArray... in) {
            INDArray x = in[0], w = in[1];
            ShapeException.requireRank(name(), "input (N, C, H, W)", 4, x.shape());
            ShapeException.requireRank(name(), "weight (O, C, kH, kW)", 4, w.shape());
            if (w.size(1) != x.size(1))
                throw new ShapeException(name() + ": weight " + ShapeException.show(w.shape()) + " expects " + w.size(1)
                        + " input channels but the input " + ShapeException.show(x.shape()) + " has " + x.size(1));
            if (w.size(2) != w.size(3))
                throw new ShapeException(name() + ": only square kernels are supported, weight has shape " + ShapeException.show(w.shape()));
            if (hasBias) ShapeException.requireShape(name(), "bias", new long[] {w.size(0)}, in[2].shape());
            int k = (int) w.size(2);
            long oh = outSize(name(), x.size(2), k, stride, padding), ow = outSize(name(), x.size(3), k, stride, padding);
            args = windowArgs(k, stride, padding, 0, 1);                                  // NCHW, weights (O, C, kH, kW)
            saved = in.clone();
            INDArray y = Nd4j.createUninitialized(x.dataType(), x.size(0), w.size(0), oh, ow);
            DynamicCustomOp op = DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(y).addIntegerArguments(args).build();
            Nd4j.exec(op);
            return y;
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray[] grads = new INDArray[saved.length];
            for (int i = 0; i < saved.length; i++) grads[i] = Nd4j.createUninitialized(saved[i].dataType(), saved[i].shape());
            INDArray[] inputs = new INDArray[saved.length + 1];
            System.arraycopy(saved, 0, inputs, 0, saved.length);
            inputs[saved.length] = g.dup('c');
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs).addOutputs(grads).addIntegerArguments(args).build());
            for (int i = 0; i < grads.length; i++) if (!needsInputGrad(i)) grads[i] = null;
            return grads;
        }
    }

    /** The two pooling reductions. */
    public enum PoolKind {
        /** Average of the window's elements that lie inside the image (padding is not counted). */
        AVG("avgpool2d"),
        /** Maximum of the window; backward routes the gradient to the maximal element. */
        MAX("maxpool2d");

        final String op;

        PoolKind(String op) { this.op = op; }
    }

    /** k×k pooling with a stride and zero padding: (N, C, H, W) → (N, C, H', W'). */
    public static final class Pool2d extends Function {
        private final PoolKind kind;
        private final int kernel, stride, padding;
        private INDArray x;
        private int[] args;

        public Pool2d(PoolKind kind, int kernel, int stride, int padding) {
            this.kind = kind; this.kernel = kernel; this.stride = stride; this.padding = padding;
        }

        @Override public String name() { return kind.op; }

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            ShapeException.requireRank(name(), "input (N, C, H, W)", 4, x.shape());
            if (2 * padding > kernel)
                throw new ShapeException(name() + ": padding " + padding + " must be at most half the kernel " + kernel);
            long oh = outSize(name(), x.size(2), kernel, stride, padding), ow = outSize(name(), x.size(3), kernel, stride, padding);
            args = windowArgs(kernel, stride, padding, 0, 0);                               // extra 0: exclude padding; NCHW
            INDArray y = Nd4j.createUninitialized(x.dataType(), x.size(0), x.size(1), oh, ow);
            Nd4j.exec(DynamicCustomOp.builder(kind.op).addInputs(x).addOutputs(y).addIntegerArguments(args).build());
            return y;
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray gx = Nd4j.createUninitialized(x.dataType(), x.shape());
            Nd4j.exec(DynamicCustomOp.builder(kind.op + "_bp").addInputs(x, g.dup('c')).addOutputs(gx).addIntegerArguments(args).build());
            return new INDArray[] {gx};
        }
    }
}
