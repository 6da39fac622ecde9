package keyshield.tensor.functions;

import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reductions over a set of axes (all axes when none are given), with or without keeping the reduced
 * axes as size 1. Backward spreads the gradient back over the reduced axes.
 */
public final class Reduce {
    private Reduce() {}

    /** Which axes a reduction covers and the shapes before and after. */
    static final class Axes {
        final int[] axes;
        final long[] inShape, keptShape, outShape;
        final long count;

        Axes(String op, long[] inShape, int[] requested, boolean keepDims) {
            this.inShape = inShape;
            int r = inShape.length;
            if (requested == null || requested.length == 0) {
                requested = new int[r];
                for (int i = 0; i < r; i++) requested[i] = i;
            }
            axes = ShapeException.axes(op, requested, r);
            keptShape = inShape.clone();
            long n = 1;
            for (int a : axes) { n *= inShape[a]; keptShape[a] = 1; }
            count = n;
            if (keepDims) {
                outShape = keptShape;
            } else {
                outShape = new long[r - axes.length];
                for (int i = 0, j = 0; i < r; i++) if (!contains(axes, i)) outShape[j++] = inShape[i];
            }
        }

        /** {@code g} (reduced shape) stretched back to the input shape. */
        INDArray spread(INDArray g) { return g.reshape('c', keptShape).broadcast(inShape); }

        private static boolean contains(int[] a, int v) {
            for (int x : a) if (x == v) return true;
            return false;
        }
    }

    /** y = Σ x over the axes. ∂y/∂x = 1 for every summed element. */
    public static final class Sum extends Function {
        private final boolean keepDims;
        private final int[] requested;
        private Axes ax;

        public Sum(boolean keepDims, int[] axes) { this.keepDims = keepDims; this.requested = axes; }

        @Override protected INDArray forward(INDArray... in) {
            ax = new Axes(name(), in[0].shape(), requested, keepDims);
            return in[0].sum(true, ax.axes).reshape('c', ax.outShape);
        }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {ax.spread(g)}; }
    }

    /** y = (1/n) Σ x over the axes. ∂y/∂x = 1/n. */
    public static final class Mean extends Function {
        private final boolean keepDims;
        private final int[] requested;
        private Axes ax;

        public Mean(boolean keepDims, int[] axes) { this.keepDims = keepDims; this.requested = axes; }

        @Override protected INDArray forward(INDArray... in) {
            ax = new Axes(name(), in[0].shape(), requested, keepDims);
            return in[0].mean(true, ax.axes).reshape('c', ax.outShape);
        }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {ax.spread(g).divi(ax.count)}; }
    }

    /** y = max x over the axes. The gradient goes to the maximal elements, split equally among ties. */
    public static final class Max extends Function {
        private final boolean keepDims;
        private final int[] requested;
        private Axes ax;
        private INDArray x, yKept;

        public Max(boolean keepDims, int[] axes) { this.keepDims = keepDims; this.requested = axes; }

        @Override protected INDArray forward(INDArray... in) {
            x = in[0];
            ax = new Axes(name(), x.shape(), requested, keepDims);
            yKept = x.max(true, ax.axes);                                                // (kept shape)
            return yKept.reshape('c', ax.outShape);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray mask = x.sub(yKept).eq(0).castTo(g.dataType());                     // 1 at the maxima
            INDArray ties = mask.sum(true, ax.axes);                                      // (kept shape)
            return new INDArray[] {mask.muli(ax.spread(g.reshape('c', ax.keptShape).div(ties)))};
        }
    }
}
