package keyshield.experiments.cli;

import keyshield.tensor.io.Npz;
import keyshield.vit.Predict;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code keyshield predict}: logits (and loss, input gradient) of a ViT weight file on a batch from an .npz file. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Runs a ViT on the images x of an .npz file and writes its logits.",
                "With integer labels y in the input it also writes the mean cross-entropy 'loss' and its gradient 'grad_x'.",
                "The architecture is inferred from the weights; no normalization is applied to x."})
public final class PredictCommand implements Callable<Integer> {
    /** Computation precision. */
    public enum Precision {
        float32(DataType.FLOAT), float64(DataType.DOUBLE);

        final DataType dtype;

        Precision(DataType dtype) { this.dtype = dtype; }
    }

    @Option(names = "--model", required = true, description = "weights: .safetensors, .onnx or Google .npz")
    Path model;

    @Option(names = "--heads", description = "attention heads (needed for .safetensors; read from the file otherwise)")
    Integer heads;

    @Option(names = "--input", required = true, description = ".npz with x (N, C, H, W) in [0, 1], float32 or float64, and optional integer y (N)")
    Path input;

    @Option(names = "--out", required = true, description = ".npz to write: logits, and loss and grad_x when y is given")
    Path out;

    @Option(names = "--dtype", defaultValue = "float32", description = "computation precision: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Precision dtype;

    @Override
    public Integer call() throws Exception {
        VisionTransformer vit = ViTWeights.load(model, heads == null ? OptionalInt.empty() : OptionalInt.of(heads), dtype.dtype);
        Map<String, INDArray> in = Npz.read(input);
        INDArray x = Npz.require(in, "x", input);
        INDArray y = in.get("y");
        if (!x.dataType().isFPType()) throw new IllegalArgumentException(input + ": x must be float32 or float64 but is " + x.dataType());
        if (x.minNumber().doubleValue() < 0 || x.maxNumber().doubleValue() > 1)
            throw new IllegalArgumentException(input + ": x must lie in [0, 1] but spans [" + x.minNumber() + ", " + x.maxNumber() + "]");
        if (y != null && y.dataType().isFPType()) throw new IllegalArgumentException(input + ": y must be integer labels but is " + y.dataType());
        Predict.Output o = Predict.run(vit, x, y == null ? null : y.toIntVector(), dtype.dtype);
        Map<String, INDArray> result = new LinkedHashMap<>();
        result.put("logits", o.logits());
        if (o.loss() != null) {
            result.put("loss", Nd4j.scalar(dtype.dtype, o.loss()));
            result.put("grad_x", o.gradX());
        }
        Npz.write(out, result);
        System.out.println("wrote " + String.join(", ", result.keySet()) + " to " + out);
        return 0;
    }
}
