package keyshield.nn;

import keyshield.tensor.Rng;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Weight initialisers as timm uses them, always from an explicit generator. */
public final class Init {
    private Init() {}

    /** timm's {@code trunc_normal_(std)}: N(0, std²) truncated to the absolute interval [−2, 2]. */
    public static INDArray truncNormal(Rng rng, DataType dtype, double std, long... shape) {
        return rng.truncatedNormal(dtype, 0, std, -2, 2, shape);
    }

    public static INDArray zeros(DataType dtype, long... shape) { return Nd4j.zeros(dtype, shape); }

    public static INDArray ones(DataType dtype, long... shape) { return Nd4j.ones(dtype, shape); }

    /**
     * Kaiming-normal for ReLU networks, fan-out mode (torchvision's ResNet convolutions):
     * N(0, 2 / fanOut) with fanOut = out channels · kernel area.
     */
    public static INDArray kaimingNormalFanOut(Rng rng, DataType dtype, long... shape) {
        long fanOut = shape[0];
        for (int i = 2; i < shape.length; i++) fanOut *= shape[i];
        return rng.normal(dtype, 0, Math.sqrt(2.0 / fanOut), shape);
    }
}
