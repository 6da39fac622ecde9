package keyshield.vit.weights;

import com.google.protobuf.ByteString;
import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed corpus of {@link WeightFileFuzzTest}: one tiny ViT (img 4, patch 2, 1 channel, dim 4,
 * depth 1, 2 heads, 2 classes; 198 parameters) in every format and variant we read — safetensors in
 * timm and Hugging Face names and in F16/BF16, Google .npz, ONNX with named and with pre-transposed
 * MatMul weights and a readable head count. Each file is ~1–3 KB, so the fuzzer mutates structure
 * rather than weights. Run from the module folder: {@code java -cp <test classpath> keyshield.vit.weights.WeightFileFuzzSeeds}.
 */
final class WeightFileFuzzSeeds {
    static final int HEADS = 2;
    static final ViTConfig TINY = new ViTConfig(4, 2, 1, 2, 4, 1, HEADS, 1.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);

    private WeightFileFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path inputs = Paths.get("src/test/resources/keyshield/vit/weights/WeightFileFuzzTestInputs");
        LinkedHashMap<String, INDArray> sd = new VisionTransformer(TINY, Rng.seeded(1), DataType.FLOAT).stateDict();
        Path tmp = Files.createTempDirectory("seeds");

        Safetensors.write(tmp.resolve("timm.safetensors"), sd, Map.of("format", "pt"));
        Safetensors.write(tmp.resolve("hf.safetensors"), HuggingFaceNames.of(sd), Map.of());
        GoogleNpz.write(tmp.resolve("google.npz"), sd, HEADS);
        Files.write(tmp.resolve("named.onnx"), onnx(sd, false).toByteArray());
        Files.write(tmp.resolve("folded.onnx"), onnx(sd, true).toByteArray());

        copy(tmp, "timm.safetensors", inputs.resolve("safetensors"));
        copy(tmp, "hf.safetensors", inputs.resolve("safetensors"));
        write(inputs.resolve("safetensors/half-and-bfloat.safetensors"), halfFloats());
        copy(tmp, "google.npz", inputs.resolve("googleNpz"));
        copy(tmp, "named.onnx", inputs.resolve("onnx"));
        copy(tmp, "folded.onnx", inputs.resolve("onnx"));
        // load: byte 0 picks the format (as WeightFileFuzzTest#load reads it), byte 1 the head count
        write(inputs.resolve("load/timm.safetensors.bin"), prefixed(0, HEADS, Files.readAllBytes(tmp.resolve("timm.safetensors"))));
        write(inputs.resolve("load/folded.onnx.bin"), prefixed(1, 0, Files.readAllBytes(tmp.resolve("folded.onnx"))));
        write(inputs.resolve("load/google.npz.bin"), prefixed(2, 0, Files.readAllBytes(tmp.resolve("google.npz"))));
    }

    /**
     * The tiny ViT as an ONNX graph's initializers (raw float32 bytes; the norms as typed float_data),
     * with the attention reshape to (B, N, 3, heads, headDim), from a Constant node, that tells the head count. {@code folded}:
     * fc1's weight is stored pre-transposed under a generated name, consumed by its MatMul, as PyTorch's
     * constant folding exports it.
     */
    private static ModelProto onnx(Map<String, INDArray> sd, boolean folded) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
        for (Map.Entry<String, INDArray> e : sd.entrySet()) {
            String name = e.getKey();
            INDArray v = e.getValue();
            if (folded && name.equals("blocks.0.mlp.fc1.weight")) {
                name = "onnx::MatMul_7";
                v = v.transpose().dup('c');                                                // (out, in) → (in, out)
                g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("/blocks/blocks.0/mlp/fc1/MatMul")
                        .addInput("/blocks/blocks.0/norm2/LayerNormalization_output_0").addInput(name).addOutput("/blocks/blocks.0/mlp/fc1/MatMul_output_0"));
            }
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
            for (long s : v.shape()) t.addDims(s);
            float[] values = v.dup('c').reshape(v.length()).toFloatVector();
            if (name.contains("norm")) for (float f : values) t.addFloatData(f);
            else {
                ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(values);
                t.setRawData(ByteString.copyFrom(b.array()));
            }
            g.addInitializer(t);
        }
        long tokens = TINY.numTokens(), headDim = TINY.headDim();
        TensorProto shape = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(5)
                .addInt64Data(1).addInt64Data(tokens).addInt64Data(3).addInt64Data(HEADS).addInt64Data(headDim).build();
        g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("/blocks/blocks.0/attn/Constant").addOutput("attn_shape")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(shape)));
        g.addNode(NodeProto.newBuilder().setOpType("Reshape").setName("/blocks/blocks.0/attn/Reshape")
                .addInput("/blocks/blocks.0/attn/qkv/Add_output_0").addInput("attn_shape").addOutput("/blocks/blocks.0/attn/Reshape_output_0"));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch").setGraph(g).build();
    }

    /** A hand-made safetensors file with one F16 and one BF16 tensor (values 1, 2, -0.5 and 1, 3). */
    private static byte[] halfFloats() {
        String json = "{\"half\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"bf\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[6,10]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 10).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        b.putShort((short) 0x3C00).putShort((short) 0x4000).putShort((short) 0xB800);   // F16 1, 2, -0.5
        b.putShort((short) 0x3F80).putShort((short) 0x4040);                              // BF16 1, 3
        return b.array();
    }

    private static byte[] prefixed(int format, int heads, byte[] file) {
        byte[] out = new byte[file.length + 2];
        out[0] = (byte) format;
        out[1] = (byte) heads;
        System.arraycopy(file, 0, out, 2, file.length);
        return out;
    }

    private static void copy(Path from, String name, Path toDir) throws IOException {
        write(toDir.resolve(name), Files.readAllBytes(from.resolve(name)));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
