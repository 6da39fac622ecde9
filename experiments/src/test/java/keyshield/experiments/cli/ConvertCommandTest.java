package keyshield.experiments.cli;

import keyshield.tensor.Golden;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Conversions between weight formats preserve the model exactly. */
class ConvertCommandTest {
    @TempDir Path dir;

    @Test
    void onnxToSafetensorsToGoogleNpzKeepsTheLogitsAndTheBits() throws Exception {
        Path st = dir.resolve("micro.safetensors"), npz = dir.resolve("ViT-micro.npz");
        assertThat(KeyshieldCli.commandLine().execute("convert", "--in", Golden.file("vit_micro_folded.onnx").toString(), "--out", st.toString())).isZero();
        assertThat(KeyshieldCli.commandLine().execute("convert", "--in", st.toString(), "--heads", "3", "--out", npz.toString())).isZero();

        Map<String, INDArray> original = Safetensors.read(Golden.file("vit_micro.safetensors")), converted = Safetensors.read(st);
        assertThat(converted.keySet()).containsExactlyInAnyOrderElementsOf(original.keySet());   // the same names: strict load_state_dict works
        for (String k : original.keySet()) assertThat(converted.get(k)).as(k).isEqualTo(original.get(k));

        INDArray x = Npz.read(Golden.file("vit_micro_golden.npz")).get("x").castTo(DataType.FLOAT);
        VisionTransformer fromNpz = ViTWeights.load(npz, OptionalInt.empty(), DataType.FLOAT);
        VisionTransformer fromSt = ViTWeights.load(Golden.file("vit_micro.safetensors"), OptionalInt.of(3), DataType.FLOAT);
        fromNpz.eval();
        fromSt.eval();
        assertThat(fromNpz.forward(Tensor.constant(x)).value()).isEqualTo(fromSt.forward(Tensor.constant(x)).value());
    }

    @Test
    void oursToSafetensorsToOursIsBitExact() throws Exception {
        VisionTransformer a = new VisionTransformer(keyshield.vit.ViTConfig.cifar(10), keyshield.tensor.Rng.seeded(9));
        Path f = dir.resolve("ours.safetensors");
        Safetensors.write(f, a.stateDict(), Map.of());
        VisionTransformer b = ViTWeights.load(f, OptionalInt.of(3), DataType.FLOAT);
        Map<String, INDArray> sa = a.stateDict(), sb = b.stateDict();
        assertThat(sb.keySet()).containsExactlyElementsOf(sa.keySet());
        for (String k : sa.keySet()) assertThat(sb.get(k)).as(k).isEqualTo(sa.get(k));
    }
}
