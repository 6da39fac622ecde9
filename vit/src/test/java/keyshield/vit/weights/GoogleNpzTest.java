package keyshield.vit.weights;

import keyshield.tensor.Golden;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** timm → Google layout → timm is the identity, on real (golden) ViT weights. */
class GoogleNpzTest {
    @TempDir Path dir;

    @Test
    void roundTripThroughGooglesLayoutIsExact() throws IOException {
        LinkedHashMap<String, INDArray> timm = OnnxWeights.read(Golden.file("vit_micro.onnx")).stateDict();
        Path f = dir.resolve("ViT-micro.npz");
        GoogleNpz.write(f, timm, 3);
        Map<String, INDArray> google = Npz.read(f);
        assertThat(google.get("embedding/kernel").shape()).containsExactly(4, 4, 3, 48);                 // HWIO
        assertThat(google.get("Transformer/encoderblock_1/MultiHeadDotProductAttention_1/query/kernel").shape()).containsExactly(48, 3, 16);
        assertThat(google.get("Transformer/encoderblock_0/MultiHeadDotProductAttention_1/out/kernel").shape()).containsExactly(3, 16, 48);
        GoogleNpz.Converted back = GoogleNpz.read(f);
        assertThat(back.numHeads()).isEqualTo(3);
        assertThat(back.stateDict().keySet()).containsExactlyInAnyOrderElementsOf(timm.keySet());
        for (String k : timm.keySet()) assertThat(back.stateDict().get(k)).as(k).isEqualTo(timm.get(k));
    }

    @Test
    void aQueryKernelIsTheFirstThirdOfQkv() throws IOException {
        LinkedHashMap<String, INDArray> timm = OnnxWeights.read(Golden.file("vit_micro.onnx")).stateDict();
        Path f = dir.resolve("g.npz");
        GoogleNpz.write(f, timm, 3);
        INDArray q = Npz.read(f).get("Transformer/encoderblock_0/MultiHeadDotProductAttention_1/query/kernel");   // (D, H, Dh)
        INDArray qkv = timm.get("blocks.0.attn.qkv.weight");                                                   // (3D, D)
        // q-kernel[d, h, j] multiplies input feature d into output feature h·Dh + j of the query
        assertThat(q.getDouble(5, 2, 7)).isEqualTo(qkv.getDouble(2 * 16 + 7, 5));
    }

    @Test
    void missingArraysAreNamed() throws IOException {
        Path f = dir.resolve("bad.npz");
        Npz.write(f, Map.of("cls", org.nd4j.linalg.factory.Nd4j.zeros(1, 1, 4)));
        assertThatThrownBy(() -> GoogleNpz.read(f)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("bad.npz").hasMessageContaining("Transformer/posembed_input/pos_embedding");
    }
}
