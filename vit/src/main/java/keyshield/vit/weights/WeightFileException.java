package keyshield.vit.weights;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weight file (ONNX, safetensors, Google .npz) that cannot be turned into a model: truncated,
 * corrupt, of an unknown layout, with a wrong dtype or shape, NaN/Inf weights, duplicate or missing
 * tensors. The message names the file, the tensor and the expected vs actual value; nothing has been
 * loaded into any model when it is thrown.
 */
public class WeightFileException extends IOException {
    public WeightFileException(Path file, String message) { super(file + ": " + message); }

    public WeightFileException(Path file, String message, Throwable cause) { super(file + ": " + message, cause); }
}
