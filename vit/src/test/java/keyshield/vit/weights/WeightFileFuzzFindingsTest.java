package keyshield.vit.weights;

import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per bug that fuzzing (or reviewing the readers for the fuzz harness) found, each with its
 * input inline: before the fix each of these crashed with an unchecked exception, a stack overflow or an
 * out-of-memory error; now each is a {@link WeightFileException} naming the file and the problem.
 */
class WeightFileFuzzFindingsTest {
    @TempDir Path dir;

    /** Fuzzing (load): ND4J's NaN test throws a NullPointerException on an empty array. ModelProto{graph{initializer{dims 0, FLOAT, "cls_token"}}}. */
    @Test
    void emptyOnnxTensorReadsAsEmpty() throws IOException {
        Path f = write("empty.onnx", HexFormat.of().parseHex("3a112a0f0800100142" + "09636c735f746f6b656e"));
        assertThat(OnnxWeights.read(f).stateDict().get("cls_token").length()).isZero();
    }

    /** Review (same bug as above): an empty safetensors tensor. */
    @Test
    void emptySafetensorsTensorReadsAsEmpty() throws IOException {
        Path f = write("empty.safetensors", safetensors("{\"x\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]}}", 0));
        assertThat(Safetensors.read(f).get("x").shape()).containsExactly(2, 0);
    }

    /** Review: the element count of a forged shape overflowed (ArithmeticException from multiplyExact). */
    @Test
    void shapesWhoseSizeOverflowsAreRefused() throws IOException {
        Path f = write("huge.safetensors", safetensors("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,0]}}", 0));
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(WeightFileException.class).hasMessageContaining("huge.safetensors")
                .hasMessageContaining("tensor 'x' of shape [4294967296, 4294967296, 4294967296] is larger than 2 GB");
        Path g = write("huge.onnx", model(GraphProto.newBuilder().addInitializer(TensorProto.newBuilder().setName("x")
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1L << 32).addDims(1L << 32).addDims(1L << 32))));
        assertThatThrownBy(() -> OnnxWeights.read(g)).isInstanceOf(WeightFileException.class).hasMessageContaining("is larger than 2 GB");
    }

    /** Hardening (no crash seen): ranks above libnd4j's MAX_RANK of 32, the size of its shape buffers, are not handed to native code. */
    @Test
    void ranksBeyondNd4jAreRefused() throws IOException {
        String ones = "1,".repeat(39) + "1";
        Path f = write("deep.safetensors", safetensors("{\"x\":{\"dtype\":\"F32\",\"shape\":[" + ones + "],\"data_offsets\":[0,4]}}", 4));
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(WeightFileException.class).hasMessageContaining("has 40 dimensions; at most 32");
    }

    /** Review: a cycle of Identity nodes feeding the attention reshape recursed until StackOverflowError. */
    @Test
    void aCycleOfWrapperNodesEnds() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().addInitializer(scalar("cls_token"))
                .addNode(NodeProto.newBuilder().setOpType("Reshape").setName("/blocks/blocks.0/attn/Reshape").addInput("x").addInput("a"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("b").addOutput("a"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("a").addOutput("b"));
        Path f = write("cycle.onnx", model(g));
        assertThat(OnnxWeights.read(f).numHeads()).isEmpty();
    }

    /** Review: a reshape giving 0 heads became "/ by zero" (ArithmeticException) in the architecture check. */
    @Test
    void aZeroHeadCountIsRefused() throws IOException {
        TensorProto shape = TensorProto.newBuilder().setName("s").setDataType(TensorProto.DataType.INT64_VALUE).addDims(5)
                .addInt64Data(1).addInt64Data(5).addInt64Data(3).addInt64Data(0).addInt64Data(2).build();
        GraphProto.Builder g = GraphProto.newBuilder().addInitializer(scalar("cls_token"))
                .addNode(NodeProto.newBuilder().setOpType("Constant").addOutput("s").addAttribute(
                        onnx.Onnx.AttributeProto.newBuilder().setName("value").setType(onnx.Onnx.AttributeProto.AttributeType.TENSOR).setT(shape)))
                .addNode(NodeProto.newBuilder().setOpType("Reshape").setName("/blocks/blocks.0/attn/Reshape").addInput("x").addInput("s"));
        Path f = write("zero-heads.onnx", model(g));
        assertThatThrownBy(() -> OnnxWeights.read(f)).isInstanceOf(WeightFileException.class).hasMessageContaining("gives 0 heads");
        assertThatThrownBy(() -> ViTWeights.inferConfig(new java.util.HashMap<>(), 0, f)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("0 attention heads");
    }

    /** Review: an external offset that is not a number (NumberFormatException), or so large that offset + length overflowed (EOFException without a message). */
    @Test
    void externalOffsetsAreChecked() throws IOException {
        Files.write(dir.resolve("side.bin"), new byte[16]);
        for (String offset : new String[] {"x", "-4", "9223372036854775800"}) {
            TensorProto t = TensorProto.newBuilder().setName("cls_token").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2)
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("side.bin"))
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset)).build();
            Path f = write("external.onnx", model(GraphProto.newBuilder().addInitializer(t)));
            assertThatThrownBy(() -> OnnxWeights.read(f)).as(offset).isInstanceOf(WeightFileException.class).hasMessageContaining("external.onnx")
                    .hasMessageContaining(offset.startsWith("9") ? "needs 8 bytes from offset " + offset : "has external offset '" + offset + "'");
        }
    }

    /** Review: Hugging Face query/key/value of different widths reached ND4J's concat (ND4JIllegalStateException). */
    @Test
    void huggingFaceQueryKeyValueMustShareAShape() throws IOException {
        StringBuilder json = new StringBuilder("{");
        String[] names = {"vit.embeddings.patch_embeddings.projection.weight", "vit.embeddings.cls_token", "vit.embeddings.position_embeddings",
                "vit.embeddings.patch_embeddings.projection.bias", "vit.encoder.layer.0.layernorm_before.weight", "vit.encoder.layer.0.layernorm_before.bias",
                "vit.encoder.layer.0.attention.attention.query.weight", "vit.encoder.layer.0.attention.attention.key.weight",
                "vit.encoder.layer.0.attention.attention.value.weight"};
        for (int i = 0; i < names.length; i++)
            json.append(i == 0 ? "" : ",").append('"').append(names[i]).append("\":{\"dtype\":\"F32\",\"shape\":[").append(i == 7 ? "1,2" : "1,1")
                    .append("],\"data_offsets\":[").append(4 * (i + (i > 7 ? 1 : 0))).append(',').append(4 * (i + 1 + (i >= 7 ? 1 : 0))).append("]}");
        Path f = write("hf.safetensors", safetensors(json.append('}').toString(), 4 * (names.length + 1)));
        assertThatThrownBy(() -> ViTWeights.read(f)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("query, key and value weights must share one shape but are [1, 1], [1, 2] and [1, 1]");
    }

    /** Review: a key kernel of another shape than the query's reached ND4J's concat in the Google layout. */
    @Test
    void googleKeyAndValueKernelsMustMatchTheQuery() throws IOException {
        Path f = dir.resolve("google.npz");
        var sd = new keyshield.vit.VisionTransformer(WeightFileFuzzSeeds.TINY, keyshield.tensor.Rng.seeded(1), DataType.FLOAT).stateDict();
        GoogleNpz.write(f, sd, WeightFileFuzzSeeds.HEADS);
        var arrays = new java.util.LinkedHashMap<>(keyshield.tensor.io.Npz.read(f));
        arrays.put("Transformer/encoderblock_0/MultiHeadDotProductAttention_1/key/kernel", org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 3, 2, 2));
        keyshield.tensor.io.Npz.write(f, arrays);
        assertThatThrownBy(() -> GoogleNpz.read(f)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("key/kernel' must have shape [4, 2, 2] but has [3, 2, 2]");
    }

    /**
     * Review: empty tensors with forged sizes (an MLP of (10^8, 0), a head of (4·10^8, 0)) made
     * ViTWeights.load build a model of 2.4·10^9 parameters from a 600-byte file: OutOfMemoryError after 50 s.
     */
    @Test
    void shapesAloneCannotMakeLoadAllocate() throws IOException {
        String empty = "\"dtype\":\"F32\",\"data_offsets\":[0,0]";
        Path f = write("forged.safetensors", safetensors("{\"patch_embed.proj.weight\":{\"dtype\":\"F32\",\"data_offsets\":[0,16],\"shape\":[4,1,1,1]},"
                + "\"pos_embed\":{" + empty + ",\"shape\":[1,5,0]},\"cls_token\":{" + empty + ",\"shape\":[0]},"
                + "\"blocks.0.norm1.weight\":{" + empty + ",\"shape\":[0]},\"blocks.0.mlp.fc1.weight\":{" + empty + ",\"shape\":[100000000,0]},"
                + "\"head.weight\":{" + empty + ",\"shape\":[400000000,0]}}", 16));
        assertThatThrownBy(() -> ViTWeights.load(f, OptionalInt.of(1), DataType.FLOAT)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("forged.safetensors").hasMessageContaining("parameters but the file holds only 4 values");
    }

    private static TensorProto scalar(String name) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1).addFloatData(0.5f).build();
    }

    private static byte[] model(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setGraph(graph).build().toByteArray();
    }

    /** A safetensors file: the header length, the JSON header, then {@code dataBytes} zero bytes. */
    private static byte[] safetensors(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }
}
