package keyshield.vit.weights;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The checks every weight reader applies to a tensor before and after reading its bytes: a declared
 * shape must be one ND4J can hold (rank ≤ 32, no negative size) whose byte count neither overflows nor
 * exceeds a Java array, so that a forged header fails here instead of allocating or crashing; and the
 * values must be finite.
 */
final class TensorChecks {
    /** libnd4j's largest rank (its shape buffers are fixed-size). */
    static final int MAX_RANK = 32;

    private TensorChecks() {}

    /** The bytes {@code shape} of {@code width}-byte elements takes, checked; {@code what} names the tensor in errors. */
    static int byteCount(long[] shape, int width, Path file, String what) throws WeightFileException {
        if (shape.length > MAX_RANK)
            throw new WeightFileException(file, what + " has " + shape.length + " dimensions; at most " + MAX_RANK + " are supported");
        for (long d : shape)
            if (d < 0) throw new WeightFileException(file, what + " has a negative dimension in shape " + Arrays.toString(shape));
        if (Arrays.stream(shape).anyMatch(d -> d == 0)) return 0;
        long bytes = width;
        for (long d : shape) {
            if (bytes > (Integer.MAX_VALUE - 8) / d)
                throw new WeightFileException(file, what + " of shape " + Arrays.toString(shape) + " is larger than 2 GB");
            bytes *= d;
        }
        return (int) bytes;
    }

    /** Refuses NaN and ±Inf (ND4J's own test fails on empty arrays, which are finite). */
    static void requireFinite(INDArray a, Path file, String what) throws WeightFileException {
        if (a.length() > 0 && (a.isNaN().any() || a.isInfinite().any()))
            throw new WeightFileException(file, what + " contains NaN or Inf values");
    }
}
