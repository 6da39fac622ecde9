package keyshield.vit.weights;

import keyshield.tensor.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both ONNX export styles of the golden ViT yield the same timm state dict. */
class OnnxWeightsTest {
    @TempDir Path dir;

    @Test
    void foldedAndUnfoldedExportsGiveTheSameTimmStateDict() throws IOException {
        OnnxWeights.Imported plain = OnnxWeights.read(Golden.file("vit_micro.onnx"));
        OnnxWeights.Imported folded = OnnxWeights.read(Golden.file("vit_micro_folded.onnx"));
        assertThat(plain.numHeads()).hasValue(3);
        assertThat(folded.numHeads()).hasValue(3);
        Map<String, INDArray> a = plain.stateDict(), b = folded.stateDict();
        assertThat(b.keySet()).containsExactlyInAnyOrderElementsOf(a.keySet());
        assertThat(a).containsKeys("blocks.1.attn.qkv.weight", "blocks.0.mlp.fc2.weight", "head.weight", "cls_token");
        assertThat(a.get("blocks.0.attn.qkv.weight").shape()).containsExactly(144, 48);        // (out, in), as timm
        for (String k : a.keySet()) assertThat(b.get(k)).as(k).isEqualTo(a.get(k));
        long params = a.values().stream().mapToLong(INDArray::length).sum();
        assertThat(params).isEqualTo(62_650);                                                  // vit_micro_meta.json "params"
    }

    @Test
    void theTinyViTExportHasItsShapes() throws IOException {
        OnnxWeights.Imported tiny = OnnxWeights.read(Golden.file("vit_tiny_d4.onnx"));
        assertThat(tiny.numHeads()).hasValue(3);
        assertThat(tiny.stateDict().get("pos_embed").shape()).containsExactly(1, 197, 192);
        assertThat(tiny.stateDict().values().stream().mapToLong(INDArray::length).sum()).isEqualTo(2_158_504);
    }

    @Test
    void moduleNamesFollowTheExportScopes() throws IOException {
        assertThat(OnnxWeights.moduleName("/blocks/blocks.0/attn/qkv/MatMul", dir)).isEqualTo("blocks.0.attn.qkv");
        assertThat(OnnxWeights.moduleName("/blocks/blocks.11/mlp/fc2/MatMul", dir)).isEqualTo("blocks.11.mlp.fc2");
        assertThat(OnnxWeights.moduleName("/head/MatMul", dir)).isEqualTo("head");
    }

    @Test
    void truncatedAndCorruptFilesAreNamed() throws IOException {
        byte[] bytes = Files.readAllBytes(Golden.file("vit_micro.onnx"));
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> OnnxWeights.read(cut)).isInstanceOf(WeightFileException.class).hasMessageContaining("cut.onnx");
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        assertThatThrownBy(() -> OnnxWeights.read(junk)).isInstanceOf(WeightFileException.class).hasMessageContaining("junk.onnx");
        assertThatThrownBy(() -> OnnxWeights.read(dir.resolve("none.onnx"))).isInstanceOf(WeightFileException.class).hasMessageContaining("no such file");
    }
}
