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
        LinkedHashMap<String, INDArray> hf = HuggingFaceNames.of(timm);
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
