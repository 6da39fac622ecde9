package keyshield.vit;

import keyshield.nn.Losses;
import keyshield.tensor.Golden;
import keyshield.tensor.Parameter;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forward and backward against timm 1.0.29 / PyTorch 2.11 in float64 (../shared/golden): logits, mean
 * cross-entropy, its gradient with respect to the input and every provided parameter gradient.
 * Tolerances (relative, ‖a − b‖/‖b‖): float32 logits 1e-4, loss 1e-5, gradients 1e-3; float64 logits 1e-9,
 * gradients 1e-7.
 */
class GoldenViTTest {

    static double rel(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE), y = b.castTo(DataType.DOUBLE);
        return x.sub(y).norm2Number().doubleValue() / y.norm2Number().doubleValue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"vit_micro, FLOAT", "vit_micro, DOUBLE", "vit_tiny_d4, FLOAT", "vit_tiny_d4, DOUBLE"})
    void matchesTimm(String model, DataType dtype) throws Exception {
        Path weights = Golden.file(model + ".safetensors");
        Map<String, INDArray> g = Npz.read(Golden.file(model + "_golden.npz"));
        VisionTransformer vit = ViTWeights.load(weights, OptionalInt.of(3), dtype);
        vit.eval();
        boolean f32 = dtype == DataType.FLOAT;

        Tensor x = Tensor.variable(g.get("x").castTo(dtype));
        int[] y = g.get("y").toIntVector();
        Tensor logits = vit.forward(x);
        Tensor loss = Losses.crossEntropy(logits, y);
        loss.backward();

        assertThat(rel(logits.value(), g.get("logits"))).as("logits").isLessThan(f32 ? 1e-4 : 1e-9);
        assertThat(Math.abs(loss.item() - g.get("loss").getDouble(0)) / g.get("loss").getDouble(0)).as("loss").isLessThan(f32 ? 1e-5 : 1e-12);
        assertThat(rel(x.grad(), g.get("grad_x"))).as("grad_x").isLessThan(f32 ? 1e-3 : 1e-7);
        Map<String, Parameter> params = vit.namedParameters();
        int checked = 0;
        for (String k : g.keySet()) {
            if (!k.startsWith("grad/")) continue;
            String name = k.substring(5);
            assertThat(params).as("parameter " + name).containsKey(name);
            assertThat(rel(params.get(name).grad(), g.get(k))).as("grad of " + name).isLessThan(f32 ? 1e-3 : 1e-7);
            checked++;
        }
        assertThat(checked).as("parameter gradients compared").isGreaterThan(model.equals("vit_micro") ? 30 : 3);
    }
}
