package keyshield.lora;

import keyshield.tensor.Rng;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Initial values of the factors, as peft's {@code reset_lora_parameters}. Kaiming-uniform with a = √5 has
 * gain √(2/(1+5)) = 1/√3 and bound √3·gain/√fanIn = 1/√fanIn, fanIn = in (Linear) or C·k·k (convolution).
 */
final class AdapterInit {
    private AdapterInit() {}

    /** A of shape {@code shape} (r first) with fan-in {@code fanIn}. */
    static INDArray a(LoraConfig.LoraInit init, Rng rng, DataType dtype, long fanIn, int r, long... shape) {
        return switch (init) {
            case KAIMING_UNIFORM, RANDOM -> kaimingUniform(rng, dtype, fanIn, shape);
            case GAUSSIAN -> rng.normal(dtype, 0, 1.0 / r, shape);
        };
    }

    /** B of shape {@code shape} (out, r, …): zero, except for {@link LoraConfig.LoraInit#RANDOM}. */
    static INDArray b(LoraConfig.LoraInit init, Rng rng, DataType dtype, int r, long... shape) {
        return init == LoraConfig.LoraInit.RANDOM ? kaimingUniform(rng, dtype, r, shape) : Nd4j.zeros(dtype, shape);
    }

    private static INDArray kaimingUniform(Rng rng, DataType dtype, long fanIn, long... shape) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return rng.uniform(dtype, -bound, bound, shape);
    }
}
