package keyshield.tensor;

import keyshield.tensor.functions.Arithmetic;
import keyshield.tensor.functions.Conv;
import keyshield.tensor.functions.MatMul;
import keyshield.tensor.functions.Movement;
import keyshield.tensor.functions.Reduce;
import keyshield.tensor.functions.Softmax;
import keyshield.tensor.functions.Unary;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A value in the autograd graph: an ND4J array, the {@link Function} that produced it (null for leaves),
 * whether it requires a gradient, and, for leaves that do, the accumulated gradient.
 *
 * <p>Every operation returns a new tensor; nothing here mutates a value in place (only a
 * {@link Parameter}'s data is updated in place, by optimizers, under {@link GradMode#off()}). Movement
 * operations ({@link #reshape}, {@link #permute}, {@link #slice}) may return views of their input's
 * storage, which is safe because no tensor is ever written to.
 *
 * <p>float32 is the default dtype; float64 works everywhere (gradient checks run in float64). Inputs of
 * one operation must share a dtype: mixing throws, convert explicitly with {@link #castTo}.
 */
public class Tensor {
    private final INDArray value;
    private final boolean requiresGrad;
    private final Function creator;
    private INDArray grad;

    protected Tensor(INDArray value, boolean requiresGrad, Function creator) {
        if (value == null) throw new NullPointerException("tensor value is null");
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.creator = creator;
    }

    // ---------------------------------------------------------------- creation

    /** A constant: no gradient flows into it. */
    public static Tensor constant(INDArray value) { return new Tensor(value, false, null); }

    /** A leaf whose gradient is wanted, e.g. the input image of an attack. */
    public static Tensor variable(INDArray value) { return new Tensor(value, true, null); }

    /** A constant filled with zeros. */
    public static Tensor zeros(DataType dtype, long... shape) { return constant(Nd4j.zeros(dtype, shape)); }

    /** A rank-0 constant. */
    public static Tensor scalar(double v, DataType dtype) { return constant(Nd4j.scalar(dtype, v)); }

    // ---------------------------------------------------------------- accessors

    /** The array this tensor holds. Do not write to it. */
    public INDArray value() { return value; }

    /** The accumulated gradient of a leaf, or null if none has arrived yet (or the tensor is not a leaf). */
    public INDArray grad() { return grad; }

    public boolean requiresGrad() { return requiresGrad; }

    /** True for tensors not produced by a recorded operation. */
    public boolean isLeaf() { return creator == null; }

    Function creator() { return creator; }

    public long[] shape() { return value.shape(); }

    public int rank() { return value.rank(); }

    /** Size of {@code axis} (negative counts from the end). */
    public long size(int axis) { return value.size(ShapeException.axis("size", axis, rank())); }

    public long length() { return value.length(); }

    public DataType dtype() { return value.dataType(); }

    /** The value of a one-element tensor. */
    public double item() {
        if (value.length() != 1) throw new ShapeException("item: tensor must have one element but has shape " + ShapeException.show(shape()));
        return value.getDouble(0);
    }

    /** The same value cut off from the graph: no gradient flows through it. */
    public Tensor detach() { return constant(value); }

    @Override
    public String toString() {
        return "Tensor" + ShapeException.show(shape()) + " " + dtype() + (requiresGrad ? " requiresGrad" : "")
                + (creator != null ? " <- " + creator.name() : "");
    }

    // ---------------------------------------------------------------- autograd

    /** Backpropagates from this scalar: d(this)/d(this) = 1. */
    public void backward() {
        if (value.length() != 1)
            throw new ShapeException("backward: only a scalar can seed backward without a gradient, but shape is "
                    + ShapeException.show(shape()) + "; pass a seed gradient of that shape");
        backward(Nd4j.ones(dtype(), shape()), false);
    }

    /** Backpropagates a seed gradient of this tensor's shape. */
    public void backward(INDArray seed) { backward(seed, false); }

    /** As {@link #backward(INDArray)}; with {@code retainGraph} the graph can be backpropagated again. */
    public void backward(INDArray seed, boolean retainGraph) {
        if (!requiresGrad()) throw new IllegalStateException("backward: this tensor does not require a gradient (no input of its graph does, or it was made under GradMode.off())");
        ShapeException.requireShape("backward", "the seed gradient", shape(), seed.shape());
        if (seed.dataType() != dtype())
            throw new ShapeException("backward: seed gradient is " + seed.dataType() + " but the tensor is " + dtype());
        Backprop.run(this, seed, retainGraph);
    }

    /** Adds {@code g} into this leaf's gradient buffer (allocated outside any scope on first use). */
    void accumulateGrad(INDArray g) {
        if (!requiresGrad()) return;
        if (grad == null) grad = Scope.outside(g::dup);
        else grad.addi(g);
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        if (grad != null) grad.assign(0);
    }

    /** Drops the gradient buffer entirely (next backward allocates a new one). */
    public void clearGrad() { grad = null; }

    // ---------------------------------------------------------------- elementwise (broadcasting)

    public Tensor add(Tensor other) { return Function.apply(new Arithmetic.Add(), this, other); }
    public Tensor sub(Tensor other) { return Function.apply(new Arithmetic.Sub(), this, other); }
    public Tensor mul(Tensor other) { return Function.apply(new Arithmetic.Mul(), this, other); }
    public Tensor div(Tensor other) { return Function.apply(new Arithmetic.Div(), this, other); }
    public Tensor neg() { return Function.apply(new Arithmetic.MulScalar(-1), this); }
    public Tensor add(double c) { return Function.apply(new Arithmetic.AddScalar(c), this); }
    public Tensor sub(double c) { return Function.apply(new Arithmetic.AddScalar(-c), this); }
    public Tensor mul(double c) { return Function.apply(new Arithmetic.MulScalar(c), this); }
    public Tensor div(double c) { return Function.apply(new Arithmetic.MulScalar(1.0 / c), this); }
    /** x^p for a constant exponent. */
    public Tensor pow(double p) { return Function.apply(new Unary.Pow(p), this); }
    public Tensor sqrt() { return Function.apply(new Unary.Sqrt(), this); }
    public Tensor exp() { return Function.apply(new Unary.Exp(), this); }
    public Tensor log() { return Function.apply(new Unary.Log(), this); }
    public Tensor tanh() { return Function.apply(new Unary.Tanh(), this); }
    public Tensor erf() { return Function.apply(new Unary.Erf(), this); }
    public Tensor relu() { return Function.apply(new Unary.Relu(), this); }
    public Tensor sigmoid() { return Function.apply(new Unary.Sigmoid(), this); }
    public Tensor abs() { return Function.apply(new Unary.Abs(), this); }

    /** The same values in another dtype; the gradient is cast back. */
    public Tensor castTo(DataType dtype) { return dtype == dtype() ? this : Function.apply(new Unary.Cast(dtype), this); }

    // ---------------------------------------------------------------- matrix products

    /**
     * Matrix product over the last two axes. Shapes: (n, k) @ (k, m) → (n, m); (…, n, k) @ (k, m) →
     * (…, n, m); (…, n, k) @ (…, k, m) → (…, n, m) with equal batch axes.
     */
    public Tensor matmul(Tensor other) { return Function.apply(new MatMul.Product(), this, other); }

    /** y = x·Wᵀ + b: (…, in) with W (out, in) and b (out) or null → (…, out). */
    public Tensor linear(Tensor weight, Tensor bias) {
        return bias == null ? Function.apply(new MatMul.Linear(false), this, weight)
                            : Function.apply(new MatMul.Linear(true), this, weight, bias);
    }

    // ---------------------------------------------------------------- movement

    /** Same values in a new shape with the same number of elements (one size may be -1). */
    public Tensor reshape(long... shape) { return Function.apply(new Movement.Reshape(shape), this); }

    /** Reorders the axes: output axis i is input axis {@code dims[i]}. */
    public Tensor permute(int... dims) { return Function.apply(new Movement.Permute(dims), this); }

    /** Swaps two axes (negative counts from the end). */
    public Tensor transpose(int a, int b) {
        int r = rank();
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) dims[i] = i;
        int x = ShapeException.axis("transpose", a, r), y = ShapeException.axis("transpose", b, r);
        dims[x] = y;
        dims[y] = x;
        return permute(dims);
    }

    /** Indices {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
    public Tensor slice(int axis, long start, long end) { return Function.apply(new Movement.Slice(axis, start, end), this); }

    /** Index {@code index} along {@code axis}, dropping that axis. */
    public Tensor select(int axis, long index) { return Function.apply(new Movement.Select(axis, index), this); }

    /** The entries at {@code indices} along {@code axis} (repeats allowed; their gradients add up). */
    public Tensor gather(int axis, long... indices) { return Function.apply(new Movement.Gather(axis, indices), this); }

    /** For (B, C) scores and B integer labels, the (B) entries {@code this[b, labels[b]]}. */
    public Tensor pick(int[] labels) { return Function.apply(new Movement.Pick(labels), this); }

    /** Stretches axes of size 1 (and new leading axes) to {@code shape}; gradients are summed back. */
    public Tensor broadcastTo(long... shape) { return Function.apply(new Movement.BroadcastTo(shape), this); }

    /** Joins tensors of equal shape except along {@code axis}. */
    public static Tensor concat(int axis, Tensor... parts) { return Function.apply(new Movement.Concat(axis), parts); }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements (rank 0). */
    public Tensor sum() { return Function.apply(new Reduce.Sum(false, null), this); }
    /** Sum over {@code axes}; with {@code keepDims} the reduced axes stay with size 1. */
    public Tensor sum(boolean keepDims, int... axes) { return Function.apply(new Reduce.Sum(keepDims, axes), this); }
    public Tensor mean() { return Function.apply(new Reduce.Mean(false, null), this); }
    public Tensor mean(boolean keepDims, int... axes) { return Function.apply(new Reduce.Mean(keepDims, axes), this); }
    /** Maximum over {@code axes}; ties share the gradient equally. */
    public Tensor max(boolean keepDims, int... axes) { return Function.apply(new Reduce.Max(keepDims, axes), this); }

    /** exp(x_i) / Σ_j exp(x_j) along {@code axis}. */
    public Tensor softmax(int axis) { return Function.apply(new Softmax.Soft(axis), this); }
    /** x_i − log Σ_j exp(x_j) along {@code axis}. */
    public Tensor logSoftmax(int axis) { return Function.apply(new Softmax.LogSoft(axis), this); }
    /** log Σ_j exp(x_j) along {@code axis}, computed stably. */
    public Tensor logsumexp(int axis, boolean keepDims) { return Function.apply(new Softmax.LogSumExp(axis, keepDims), this); }

    // ---------------------------------------------------------------- convolution and pooling (NCHW)

    /** 2-D convolution: x (N, C, H, W), weight (O, C, kH, kW), bias (O) or null → (N, O, H', W'). */
    public Tensor conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        Conv.Conv2d f = new Conv.Conv2d(stride, padding, bias != null);
        return bias == null ? Function.apply(f, this, weight) : Function.apply(f, this, weight, bias);
    }

    /** Average pooling over k×k windows (zero padding is not counted in the average). */
    public Tensor avgPool2d(int kernel, int stride, int padding) { return Function.apply(new Conv.Pool2d(Conv.PoolKind.AVG, kernel, stride, padding), this); }

    /** Max pooling over k×k windows. */
    public Tensor maxPool2d(int kernel, int stride, int padding) { return Function.apply(new Conv.Pool2d(Conv.PoolKind.MAX, kernel, stride, padding), this); }
}
