package keyshield.tensor.functions;

import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Matrix products, the place where nearly all of a ViT's FLOPs go. They call {@code Nd4j.gemm} /
 * {@code Nd4j.matmul} with transpose flags instead of materialising transposes
 * ({@code INDArray.mmul} copies its inputs and is 1.5–4× slower).
 */
public final class MatMul {
    private MatMul() {}

    /**
     * C = A·B over the last two axes. (n, k)·(k, m); (…, n, k)·(k, m) with the leading axes flattened into
     * one gemm; (…, n, k)·(…, k, m) batched with equal batch axes.
     * ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G (summed over the flattened rows in the second case).
     */
    public static final class Product extends Function {
        private INDArray a, b;

        @Override public String name() { return "matmul"; }

        @Override protected INDArray forward(INDArray... in) {
            a = in[0];
            b = in[1];
            long[] as = a.shape(), bs = b.shape();
            if (as.length < 2 || bs.length < 2)
                throw new ShapeException("matmul: both operands need rank >= 2 but got " + ShapeException.show(as) + " @ " + ShapeException.show(bs));
            long k = as[as.length - 1];
            if (k != bs[bs.length - 2])
                throw new ShapeException("matmul: inner dimensions differ: " + ShapeException.show(as) + " @ " + ShapeException.show(bs));
            if (bs.length == 2) {
                INDArray c = Nd4j.gemm(rows(a, k), b, false, false);            // (N, m)
                return c.reshape(outShape(as, bs[1]));                           // (…, n, m)
            }
            if (as.length != bs.length || !Arrays.equals(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2)))
                throw new ShapeException("matmul: batch axes differ: " + ShapeException.show(as) + " @ " + ShapeException.show(bs));
            return batched(a, b, false, false);
        }

        @Override protected INDArray[] backward(INDArray g) {
            long[] as = a.shape(), bs = b.shape();
            INDArray ga = null, gb = null;
            if (bs.length == 2) {
                long k = as[as.length - 1], m = bs[1];
                INDArray g2 = rows(g, m);                                         // (N, m)
                if (needsInputGrad(0)) ga = Nd4j.gemm(g2, b, false, true).reshape(as);   // (N, k) → (…, n, k)
                if (needsInputGrad(1)) gb = Nd4j.gemm(rows(a, k), g2, true, false);      // (k, m)
            } else {
                if (needsInputGrad(0)) ga = batched(g, b, false, true);          // (…, n, k)
                if (needsInputGrad(1)) gb = batched(a, g, true, false);          // (…, k, m)
            }
            return new INDArray[] {ga, gb};
        }
    }

    /**
     * y = x·Wᵀ + b, the affine map of a Linear layer: x (…, in), W (out, in), b (out) → (…, out).
     * ∂L/∂x = G·W, ∂L/∂W = Gᵀ·x, ∂L/∂b = Σ_rows G, with the leading axes of x flattened into rows.
     */
    public static final class Linear extends Function {
        private final boolean hasBias;
        private INDArray x2, w;
        private long[] xShape;

        public Linear(boolean hasBias) { this.hasBias = hasBias; }

        @Override public String name() { return "linear"; }

        @Override protected INDArray forward(INDArray... in) {
            xShape = in[0].shape();
            w = in[1];
            if (w.rank() != 2) throw new ShapeException("linear: weight must have rank 2 (out, in) but has shape " + ShapeException.show(w.shape()));
            long inF = w.size(1), outF = w.size(0);
            if (xShape.length < 1 || xShape[xShape.length - 1] != inF)
                throw new ShapeException("linear: input " + ShapeException.show(xShape) + " does not end in in_features = " + inF
                        + " of weight " + ShapeException.show(w.shape()));
            x2 = rows(in[0], inF);                                                // (N, in)
            INDArray y = Nd4j.gemm(x2, w, false, true);                           // (N, out)
            if (hasBias) {
                INDArray b = in[2];
                ShapeException.requireShape("linear", "bias", new long[] {outF}, b.shape());
                y.addiRowVector(b);
            }
            return y.reshape(outShape(xShape, outF));                             // (…, out)
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray g2 = rows(g, w.size(0));                                     // (N, out)
            INDArray[] grads = new INDArray[hasBias ? 3 : 2];
            if (needsInputGrad(0)) grads[0] = Nd4j.gemm(g2, w, false, false).reshape(xShape);   // (N, in) → (…, in)
            if (needsInputGrad(1)) grads[1] = Nd4j.gemm(g2, x2, true, false);                   // (out, in)
            if (hasBias && needsInputGrad(2)) grads[2] = columnSums(g2);                          // (out)
            return grads;
        }
    }

    /**
     * Σ over the rows of a 2-D array, (N, D) → (D), as the product 1ᵀ·X: ND4J's sum along axis 0 is
     * about 6× slower on the tall, narrow gradients of a ViT (a strided reduction instead of a gemm).
     */
    public static INDArray columnSums(INDArray x) {
        INDArray ones = Nd4j.ones(x.dataType(), 1, x.size(0));
        return Nd4j.gemm(ones, x, false, false).reshape(x.size(1));               // (1, D) → (D)
    }

    /** Views (…, k) as (N, k) rows; copies only if the layout forces it. */
    static INDArray rows(INDArray x, long k) {
        return x.rank() == 2 ? x : x.reshape('c', x.length() / k, k);            // (N, k)
    }

    private static long[] outShape(long[] leading, long last) {
        long[] s = leading.clone();
        s[s.length - 1] = last;
        return s;
    }

    /** Batched product over equal leading axes, flattened to one batch axis: (…, n, k)·(…, k, m). */
    private static INDArray batched(INDArray a, INDArray b, boolean ta, boolean tb) {
        long[] as = a.shape(), bs = b.shape();
        int r = as.length;
        long batch = 1;
        for (int i = 0; i < r - 2; i++) batch *= as[i];
        INDArray a3 = a.reshape('c', batch, as[r - 2], as[r - 1]);                // (batch, ·, ·)
        INDArray b3 = b.reshape('c', batch, bs[r - 2], bs[r - 1]);                // (batch, ·, ·)
        INDArray c3 = Nd4j.matmul(a3, b3, ta, tb, false);                          // (batch, n, m)
        long[] out = as.clone();
        out[r - 2] = c3.size(1);
        out[r - 1] = c3.size(2);
        return c3.reshape(out);                                                    // (…, n, m)
    }
}
