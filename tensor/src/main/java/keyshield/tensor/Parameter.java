package keyshield.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trainable leaf: the only kind of tensor whose data is changed in place, by an optimizer (or a
 * loader) under {@link GradMode#off()}. Its storage and gradient live outside every {@link Scope}.
 * Freezing ({@link #setTrainable(boolean) setTrainable(false)}) stops gradients from being computed for it.
 */
public final class Parameter extends Tensor {
    private boolean trainable = true;

    /** Wraps {@code data} (copied out of any open scope) as a trainable parameter. */
    public Parameter(INDArray data) {
        super(Scope.keep(data), true, null);
    }

    @Override
    public boolean requiresGrad() { return trainable; }

    public boolean trainable() { return trainable; }

    /** Freezes (false) or unfreezes (true) the parameter. */
    public void setTrainable(boolean trainable) { this.trainable = trainable; }

    /** The mutable storage, for optimizers and loaders. */
    public INDArray data() { return value(); }

    /** Copies {@code source} into this parameter, checking shape and dtype; the storage stays the same. */
    public void assign(INDArray source, String name) {
        ShapeException.requireShape("assign", "parameter " + name, shape(), source.shape());
        try (var noGrad = GradMode.off()) {
            value().assign(source);
        }
    }
}
