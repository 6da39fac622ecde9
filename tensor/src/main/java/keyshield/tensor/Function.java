package keyshield.tensor;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * One differentiable primitive: a forward on arrays and, side by side, its backward (the vector-Jacobian
 * product). Subclasses save in fields only what backward reads, return one gradient per input (or null
 * where {@link #needsInputGrad} is false) and never mutate the incoming gradient or their inputs.
 *
 * <p>{@link #apply} runs the forward and, when {@link GradMode} is on and some input requires a
 * gradient, records the function as the creator of the output so {@link Backprop} can call
 * {@link #backward} later. A function object is used once: it belongs to the one output it made.
 */
public abstract class Function {
    private Tensor[] inputs;
    private boolean[] needsInputGrad;
    private boolean released;
    private boolean applied;

    /** Computes the output from the input values. */
    protected abstract INDArray forward(INDArray... in);

    /**
     * Given ∂L/∂output, returns ∂L/∂input for each input (same shapes as the inputs), or null for inputs
     * whose gradient is not needed.
     */
    protected abstract INDArray[] backward(INDArray gradOutput);

    /** A short name for messages: the class name in lower camel case unless overridden. */
    public String name() {
        String s = getClass().getSimpleName();
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** True when input {@code i} requires a gradient; backward may skip the others. */
    protected final boolean needsInputGrad(int i) { return needsInputGrad[i]; }

    /** Runs {@code f} on {@code inputs} and records it for backward when needed. */
    public static Tensor apply(Function f, Tensor... inputs) {
        if (f.applied) throw new IllegalStateException(f.name() + ": a Function object can only be applied once");
        f.applied = true;
        DataType dtype = null;
        INDArray[] values = new INDArray[inputs.length];
        boolean anyGrad = false;
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) throw new NullPointerException(f.name() + ": input " + i + " is null");
            values[i] = inputs[i].value();
            DataType d = values[i].dataType();
            if (dtype == null) dtype = d;
            else if (d != dtype)
                throw new ShapeException(f.name() + ": inputs mix dtypes " + dtype + " and " + d
                        + " (input 0 " + ShapeException.show(values[0].shape()) + ", input " + i + " "
                        + ShapeException.show(values[i].shape()) + "); convert one with castTo()");
            needs[i] = inputs[i].requiresGrad();
            anyGrad |= needs[i];
        }
        boolean record = anyGrad && GradMode.isEnabled();
        f.needsInputGrad = needs;
        OpProfile profile = OpProfile.current();
        long t0 = profile == null ? 0 : System.nanoTime();
        INDArray out = f.forward(values);
        if (profile != null) profile.forward(f.name(), System.nanoTime() - t0);
        if (!record) {
            f.released = true;
            return new Tensor(out, false, null);
        }
        f.inputs = inputs.clone();
        return new Tensor(out, true, f);
    }

    /** The inputs this function was applied to; empty once the graph is released. */
    Tensor[] inputs() {
        if (released) throw freed();
        return inputs;
    }

    /** Drops the links to the inputs (and with them the rest of the graph) after backward. */
    void release() {
        released = true;
        inputs = null;
    }

    boolean released() { return released; }

    IllegalStateException freed() {
        return new IllegalStateException(name() + ": backward through a graph that has already been freed; "
                + "pass retainGraph = true to the first backward to go through it twice");
    }

    /** Runs backward and checks that each gradient has its input's shape. */
    INDArray[] gradients(INDArray gradOutput) {
        INDArray[] grads = backward(gradOutput);
        if (grads.length != inputs.length)
            throw new IllegalStateException(name() + ": backward returned " + grads.length + " gradients for " + inputs.length + " inputs");
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null && needsInputGrad[i] && !Arrays.equals(grads[i].shape(), inputs[i].shape()))
                throw new IllegalStateException(name() + ": backward gave input " + i + " a gradient of shape "
                        + ShapeException.show(grads[i].shape()) + " but the input has shape " + ShapeException.show(inputs[i].shape()));
        }
        return grads;
    }
}
