package keyshield.vit.weights;

import com.google.protobuf.ByteString;
import keyshield.tensor.Golden;
import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The less common ways weights arrive: Hugging Face names, ONNX external data, typed float16/double ONNX tensors. */
class ImportVariantsTest {
    @TempDir Path dir;

    private static Map<String, INDArray> reference() throws Exception { return Safetensors.read(Golden.file("vit_micro.safetensors")); }

    @Test
    void huggingFaceNamesAreFusedIntoTimmQkv() throws Exception {
        Map<String, INDArray> timm = reference();
        LinkedHashMap<String, INDArray> hf = new LinkedHashMap<>();
        hf.put("vit.embeddings.cls_token", timm.get("cls_token"));
        hf.put("vit.embeddings.position_embeddings", timm.get("pos_embed"));
        hf.put("vit.embeddings.patch_embeddings.projection.weight", timm.get("patch_embed.proj.weight"));
        hf.put("vit.embeddings.patch_embeddings.projection.bias", timm.get("patch_embed.proj.bias"));
        for (int i = 0; i < 2; i++) {
            String h = "vit.encoder.layer." + i + ".", t = "blocks." + i + ".";
            hf.put(h + "layernorm_before.weight", timm.get(t + "norm1.weight"));
            hf.put(h + "layernorm_before.bias", timm.get(t + "norm1.bias"));
            INDArray w = timm.get(t + "attn.qkv.weight"), b = timm.get(t + "attn.qkv.bias");
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                hf.put(h + "attention.attention." + parts[k] + ".weight", w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(48 * k, 48 * (k + 1)), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup());
                hf.put(h + "attention.attention." + parts[k] + ".bias", b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(48 * k, 48 * (k + 1))).dup());
            }
            hf.put(h + "attention.output.dense.weight", timm.get(t + "attn.proj.weight"));
            hf.put(h + "attention.output.dense.bias", timm.get(t + "attn.proj.bias"));
            hf.put(h + "layernorm_after.weight", timm.get(t + "norm2.weight"));
            hf.put(h + "layernorm_after.bias", timm.get(t + "norm2.bias"));
            hf.put(h + "intermediate.dense.weight", timm.get(t + "mlp.fc1.weight"));
            hf.put(h + "intermediate.dense.bias", timm.get(t + "mlp.fc1.bias"));
            hf.put(h + "output.dense.weight", timm.get(t + "mlp.fc2.weight"));
            hf.put(h + "output.dense.bias", timm.get(t + "mlp.fc2.bias"));
        }
        hf.put("vit.layernorm.weight", timm.get("norm.weight"));
        hf.put("vit.layernorm.bias", timm.get("norm.bias"));
        hf.put("classifier.weight", timm.get("head.weight"));
        hf.put("classifier.bias", timm.get("head.bias"));
        Path f = dir.resolve("hf.safetensors");
        Safetensors.write(f, hf, Map.of());
        Map<String, INDArray> back = ViTWeights.read(f).tensors();
        assertThat(back.keySet()).containsExactlyInAnyOrderElementsOf(timm.keySet());
        for (String k : timm.keySet()) assertThat(back.get(k)).as(k).isEqualTo(timm.get(k));
    }

    @Test
    void externalDataFloat16AndDoubleTensorsLoad() throws Exception {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(Golden.file("vit_micro.onnx")));
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        ByteArrayOutputStream side = new ByteArrayOutputStream();
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            Onnx.TensorProto t = graph.getInitializer(i);
            Onnx.TensorProto.Builder b = t.toBuilder();
            if (t.getName().endsWith(".weight") && t.getName().startsWith("blocks.")) {          // moved to a side file
                long offset = side.size();
                side.write(t.getRawData().toByteArray());
                b.clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(kv("location", "weights.bin")).addExternalData(kv("offset", Long.toString(offset)))
                        .addExternalData(kv("length", Long.toString(t.getRawData().size())));
            } else if (t.getName().equals("pos_embed")) {                                          // typed float16 bit patterns in int32_data
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                b.clearRawData().setDataType(Onnx.TensorProto.DataType.FLOAT16_VALUE);
                while (raw.hasRemaining()) b.addInt32Data(toHalf(raw.getFloat()));
            } else if (t.getName().equals("head.bias")) {                                          // typed double
                ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                b.clearRawData().setDataType(Onnx.TensorProto.DataType.DOUBLE_VALUE);
                while (raw.hasRemaining()) b.addDoubleData(raw.getFloat());
            }
            graph.setInitializer(i, b);
        }
        Files.write(dir.resolve("weights.bin"), side.toByteArray());
        Path f = dir.resolve("ext.onnx");
        Files.write(f, model.toBuilder().setGraph(graph).build().toByteArray());

        Map<String, INDArray> ref = reference(), got = OnnxWeights.read(f).stateDict();
        assertThat(got.get("blocks.1.mlp.fc2.weight")).isEqualTo(ref.get("blocks.1.mlp.fc2.weight"));
        assertThat(got.get("head.bias").dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(got.get("head.bias").castTo(DataType.FLOAT)).isEqualTo(ref.get("head.bias"));
        double err = got.get("pos_embed").sub(ref.get("pos_embed")).amaxNumber().doubleValue();
        assertThat(err).as("float16 rounding only").isLessThan(1e-3).isGreaterThan(0);

        Files.write(dir.resolve("weights.bin"), java.util.Arrays.copyOf(side.toByteArray(), side.size() / 2));
        assertThatThrownBy(() -> OnnxWeights.read(f)).isInstanceOf(WeightFileException.class).hasMessageContaining("weights.bin");
    }

    /** float → binary16 by truncating the mantissa (values below the normal range flush to ±0): enough to test decoding. */
    private static int toHalf(float f) {
        int bits = Float.floatToIntBits(f), sign = (bits >>> 16) & 0x8000, exp = ((bits >>> 23) & 0xFF) - 127 + 15;
        if (exp <= 0) return sign;
        return sign | (exp << 10) | ((bits >>> 13) & 0x3FF);
    }

    private static Onnx.StringStringEntryProto kv(String k, String v) { return Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build(); }
}
