package keyshield.tensor.functions;

import keyshield.tensor.Broadcast;
import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Operations that move values without computing new ones. Each is linear, so its backward is its
 * adjoint: the inverse movement, with zeros where nothing was taken and sums where a value was taken
 * twice (⟨Ax, y⟩ = ⟨x, Aᵀy⟩).
 */
public final class Movement {
    private Movement() {}

    /** Same values, new shape (row-major order); one size may be −1. Backward reshapes back. */
    public static final class Reshape extends Function {
        private final long[] shape;
        private long[] inShape;

        public Reshape(long... shape) { this.shape = shape.clone(); }

        @Override protected INDArray forward(INDArray... in) {
            inShape = in[0].shape();
            long[] target = resolve(shape, in[0].length(), inShape);
            return in[0].reshape('c', target);                                     // (target)
        }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.reshape('c', inShape)}; }

        private static long[] resolve(long[] shape, long length, long[] inShape) {
            long known = 1;
            int free = -1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == -1 && free < 0) free = i;
                else if (shape[i] < 0 || shape[i] == -1)
                    throw new ShapeException("reshape: invalid target shape " + ShapeException.show(shape) + " (at most one -1, no other negatives)");
                else known *= shape[i];
            }
            long[] out = shape.clone();
            if (free >= 0) {
                if (known == 0 || length % known != 0)
                    throw new ShapeException("reshape: cannot reshape " + ShapeException.show(inShape) + " into " + ShapeException.show(shape));
                out[free] = length / known;
            } else if (known != length) {
                throw new ShapeException("reshape: cannot reshape " + ShapeException.show(inShape) + " (" + length
                        + " elements) into " + ShapeException.show(shape) + " (" + known + " elements)");
            }
            return out;
        }
    }

    /** Output axis i is input axis dims[i]. Backward applies the inverse permutation. */
    public static final class Permute extends Function {
        private final int[] dims;
        private int[] inverse;

        public Permute(int... dims) { this.dims = dims.clone(); }

        @Override protected INDArray forward(INDArray... in) {
            int r = in[0].rank();
            if (dims.length != r)
                throw new ShapeException("permute: " + Arrays.toString(dims) + " has " + dims.length + " axes but the input has shape " + ShapeException.show(in[0].shape()));
            int[] d = ShapeException.axes("permute", dims, r);
            inverse = new int[r];
            for (int i = 0; i < r; i++) inverse[d[i]] = i;
            return in[0].permute(d);
        }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.permute(inverse)}; }
    }

    /** x[start:end] along one axis. Backward places the gradient into zeros of the input's shape. */
    public static final class Slice extends Function {
        private final int axisArg;
        private final long start, end;
        private long[] inShape;
        private INDArrayIndex[] index;

        public Slice(int axis, long start, long end) { this.axisArg = axis; this.start = start; this.end = end; }

        @Override protected INDArray forward(INDArray... in) {
            inShape = in[0].shape();
            int axis = ShapeException.axis("slice", axisArg, inShape.length);
            if (start < 0 || end > inShape[axis] || start >= end)
                throw new ShapeException("slice: range [" + start + ", " + end + ") is empty or outside axis " + axisArg
                        + " of size " + inShape[axis] + " in shape " + ShapeException.show(inShape));
            index = range(inShape.length, axis, start, end);
            return in[0].get(index);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray gx = Nd4j.zeros(g.dataType(), inShape);
            gx.get(index).assign(g);
            return new INDArray[] {gx};
        }
    }

    /** x[…, index, …]: one index along an axis, which is dropped. */
    public static final class Select extends Function {
        private final int axisArg;
        private final long indexArg;
        private long[] inShape, keptShape;
        private INDArrayIndex[] index;

        public Select(int axis, long index) { this.axisArg = axis; this.indexArg = index; }

        @Override protected INDArray forward(INDArray... in) {
            inShape = in[0].shape();
            int axis = ShapeException.axis("select", axisArg, inShape.length);
            if (indexArg < 0 || indexArg >= inShape[axis])
                throw new ShapeException("select: index " + indexArg + " is outside axis " + axisArg + " of size " + inShape[axis]
                        + " in shape " + ShapeException.show(inShape));
            index = range(inShape.length, axis, indexArg, indexArg + 1);
            keptShape = inShape.clone();
            keptShape[axis] = 1;
            long[] out = new long[inShape.length - 1];
            for (int i = 0, j = 0; i < inShape.length; i++) if (i != axis) out[j++] = inShape[i];
            return in[0].get(index).reshape('c', out);                               // input shape without the axis
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray gx = Nd4j.zeros(g.dataType(), inShape);
            gx.get(index).assign(g.reshape('c', keptShape));                          // (…, 1, …)
            return new INDArray[] {gx};
        }
    }

    /** The slices at {@code indices} along an axis, in that order (index_select). Repeated indices add up in backward. */
    public static final class Gather extends Function {
        private final int axisArg;
        private final long[] indices;
        private long[] inShape;
        private int axis;

        public Gather(int axis, long... indices) { this.axisArg = axis; this.indices = indices.clone(); }

        @Override protected INDArray forward(INDArray... in) {
            inShape = in[0].shape();
            axis = ShapeException.axis("gather", axisArg, inShape.length);
            if (indices.length == 0) throw new ShapeException("gather: no indices given");
            for (long i : indices)
                if (i < 0 || i >= inShape[axis])
                    throw new ShapeException("gather: index " + i + " is outside axis " + axisArg + " of size " + inShape[axis]
                            + " in shape " + ShapeException.show(inShape));
            long[] out = inShape.clone();
            out[axis] = indices.length;
            INDArray y = Nd4j.createUninitialized(in[0].dataType(), out);
            for (int k = 0; k < indices.length; k++)
                y.get(range(out.length, axis, k, k + 1)).assign(in[0].get(range(out.length, axis, indices[k], indices[k] + 1)));
            return y;
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray gx = Nd4j.zeros(g.dataType(), inShape);
            for (int k = 0; k < indices.length; k++)
                gx.get(range(inShape.length, axis, indices[k], indices[k] + 1)).addi(g.get(range(inShape.length, axis, k, k + 1)));
            return new INDArray[] {gx};
        }
    }

    /** For scores (B, C) and labels y (B): out[b] = x[b, y[b]]. The label gather of a loss. */
    public static final class Pick extends Function {
        private final int[] labels;
        private INDArray oneHot;

        public Pick(int[] labels) { this.labels = labels.clone(); }

        @Override protected INDArray forward(INDArray... in) {
            INDArray x = in[0];
            ShapeException.requireRank("pick", "scores", 2, x.shape());
            long b = x.size(0), c = x.size(1);
            if (labels.length != b)
                throw new ShapeException("pick: " + labels.length + " labels for scores of shape " + ShapeException.show(x.shape()));
            oneHot = oneHot(labels, c, x);
            return x.mul(oneHot).sum(1);                                                // (B)
        }

        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {oneHot.mulColumnVector(g.reshape(g.length(), 1))};   // (B, C)
        }

        /** The (B, C) one-hot matrix of {@code labels}, in {@code like}'s dtype; rejects labels outside [0, C). */
        public static INDArray oneHot(int[] labels, long classes, INDArray like) {
            double[] h = new double[Math.multiplyExact(labels.length, (int) classes)];
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes)
                    throw new ShapeException("label " + labels[i] + " at position " + i + " is outside [0, " + classes + ")");
                h[i * (int) classes + labels[i]] = 1;
            }
            return Nd4j.create(h, new long[] {labels.length, classes}, like.dataType());
        }
    }

    /** Stretches size-1 and missing leading axes to a target shape; backward sums them back. */
    public static final class BroadcastTo extends Function {
        private final long[] target;
        private long[] inShape;

        public BroadcastTo(long... target) { this.target = target.clone(); }

        @Override protected INDArray forward(INDArray... in) {
            inShape = in[0].shape();
            long[] s = Broadcast.shape("broadcastTo", inShape, target);
            if (!Arrays.equals(s, target))
                throw new ShapeException("broadcastTo: cannot broadcast " + ShapeException.show(inShape) + " to " + ShapeException.show(target));
            INDArray x = in[0];
            if (inShape.length < target.length) {                                       // leading ones: (1, …, 1, shape)
                long[] padded = new long[target.length];
                Arrays.fill(padded, 1);
                System.arraycopy(inShape, 0, padded, target.length - inShape.length, inShape.length);
                x = x.reshape('c', padded);
            }
            return x.broadcast(target);
        }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {Broadcast.unbroadcast(g, inShape)}; }
    }

    /** Joins inputs along an axis; all other sizes must agree. Backward hands each input its slice. */
    public static final class Concat extends Function {
        private final int axisArg;
        private long[] offsets;
        private int axis, rank;

        public Concat(int axis) { this.axisArg = axis; }

        @Override protected INDArray forward(INDArray... in) {
            if (in.length == 0) throw new ShapeException("concat: nothing to concatenate");
            long[] first = in[0].shape();
            rank = first.length;
            axis = ShapeException.axis("concat", axisArg, rank);
            offsets = new long[in.length + 1];
            for (int i = 0; i < in.length; i++) {
                long[] s = in[i].shape();
                boolean ok = s.length == rank;
                for (int d = 0; ok && d < rank; d++) ok = d == axis || s[d] == first[d];
                if (!ok)
                    throw new ShapeException("concat: input " + i + " has shape " + ShapeException.show(s) + " but must match "
                            + ShapeException.show(first) + " except along axis " + axis);
                offsets[i + 1] = offsets[i] + s[axis];
            }
            return Nd4j.concat(axis, in);
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray[] grads = new INDArray[offsets.length - 1];
            for (int i = 0; i < grads.length; i++)
                if (needsInputGrad(i)) grads[i] = g.get(range(rank, axis, offsets[i], offsets[i + 1]));
            return grads;
        }
    }

    /** Index list selecting [start, end) along {@code axis} and everything along the other axes. */
    static INDArrayIndex[] range(int rank, int axis, long start, long end) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) idx[i] = i == axis ? NDArrayIndex.interval(start, end) : NDArrayIndex.all();
        return idx;
    }
}
