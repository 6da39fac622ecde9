package keyshield.vit;

import keyshield.tensor.Golden;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.io.Npz;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library behind {@code keyshield predict}: golden numbers, no side effects on the model. */
class PredictTest {

    @Test
    void reproducesTheGoldenLossAndInputGradientAndLeavesTheModelAsItWas() throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file("vit_micro_golden.npz"));
        VisionTransformer vit = ViTWeights.load(Golden.file("vit_micro.safetensors"), OptionalInt.of(3), DataType.DOUBLE);
        vit.blocks().get(0).mlp().fc1().weight().setTrainable(false);                  // a frozen parameter must stay frozen
        vit.train();

        Predict.Output o = Predict.run(vit, g.get("x"), g.get("y").toIntVector(), DataType.DOUBLE);

        assertThat(GoldenViTTest.rel(o.logits(), g.get("logits"))).isLessThan(1e-9);
        assertThat(o.loss()).isCloseTo(g.get("loss").getDouble(0), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(GoldenViTTest.rel(o.gradX(), g.get("grad_x"))).isLessThan(1e-7);
        assertThat(o.gradX().shape()).containsExactly(g.get("x").shape());
        for (Parameter p : vit.parameters()) assertThat(p.grad() == null || p.grad().sumNumber().doubleValue() == 0).isTrue();
        assertThat(vit.trainableParameterCount()).isEqualTo(vit.parameterCount() - 48 * 192);
        assertThat(vit.training()).as("predict evaluates in eval mode").isFalse();
    }

    @Test
    void withoutLabelsOnlyLogitsAreComputed() {
        VisionTransformer vit = new VisionTransformer(new ViTConfig(8, 4, 3, 4, 12, 1, 3, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN),
                Rng.seeded(2), DataType.FLOAT);
        INDArray x = Rng.seeded(3).uniform(DataType.DOUBLE, 0, 1, 5, 3, 8, 8);
        Predict.Output o = Predict.run(vit, x, null, DataType.FLOAT);
        assertThat(o.logits().shape()).containsExactly(5, 4);
        assertThat(o.logits().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(o.loss()).isNull();
        assertThat(o.gradX()).isNull();
    }

    @Test
    void badInputsAreRefusedWithTheirShapes() {
        VisionTransformer vit = new VisionTransformer(new ViTConfig(8, 4, 3, 4, 12, 1, 3, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN),
                Rng.seeded(2), DataType.FLOAT);
        assertThatThrownBy(() -> Predict.run(vit, Nd4j.zeros(DataType.FLOAT, 3, 8, 8), null, DataType.FLOAT))
                .hasMessageContaining("(B, C, H, W)").hasMessageContaining("(3, 8, 8)");
        assertThatThrownBy(() -> Predict.run(vit, Nd4j.zeros(DataType.FLOAT, 2, 3, 8, 8), new int[] {1, 2, 3}, DataType.FLOAT))
                .hasMessageContaining("3 labels for a batch of 2");
    }
}
