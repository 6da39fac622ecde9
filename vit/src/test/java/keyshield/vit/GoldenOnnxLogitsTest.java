package keyshield.vit;

import keyshield.tensor.Golden;
import keyshield.tensor.GradMode;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Every golden weight file, in every format, reproduces the golden logits (1e-4 relative in float32); heads come from the ONNX graph. */
class GoldenOnnxLogitsTest {
    @ParameterizedTest
    @CsvSource({"vit_micro.onnx, vit_micro", "vit_micro_folded.onnx, vit_micro", "vit_tiny_d4.onnx, vit_tiny_d4",
                "vit_micro.safetensors, vit_micro", "vit_tiny_d4.safetensors, vit_tiny_d4"})
    void reproducesTheGoldenLogits(String file, String golden) throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file(golden + "_golden.npz"));
        OptionalInt heads = file.endsWith(".onnx") ? OptionalInt.empty() : OptionalInt.of(3);
        VisionTransformer vit = ViTWeights.load(Golden.file(file), heads, DataType.FLOAT);
        vit.eval();
        try (var off = GradMode.off()) {
            INDArray logits = vit.forward(Tensor.constant(g.get("x").castTo(DataType.FLOAT))).value().castTo(DataType.DOUBLE);
            INDArray ref = g.get("logits").castTo(DataType.DOUBLE);
            double rel = logits.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
            System.out.printf("%s: logits relative error %.2e%n", file, rel);
            assertThat(rel).isLessThan(1e-4);
        }
    }
}
