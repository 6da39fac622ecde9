package keyshield.vit.weights;

import keyshield.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The safetensors reader and writer: round trips (int64 counters included), the half-precision dtypes from hand-made bytes, and
 * every kind of corrupt file refused with a message naming the file and the tensor.
 */
class SafetensorsTest {
    @TempDir Path dir;

    /** A safetensors file from a literal JSON header and data bytes, as another writer might produce it. */
    private Path raw(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    private static byte[] shorts(int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : v) b.putShort((short) s);
        return b.array();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : v) b.putFloat(s);
        return b.array();
    }

    @Test
    void writtenTensorsReadBackExactlyInOrder() throws IOException {
        Rng rng = Rng.seeded(7);
        Map<String, INDArray> sd = new LinkedHashMap<>();
        sd.put("pos_embed", rng.split("a").normal(DataType.FLOAT, 0, 1, 1, 5, 4));
        sd.put("blocks.0.attn.qkv.weight", rng.split("b").normal(DataType.DOUBLE, 0, 1, 12, 4));
        sd.put("head.bias", rng.split("c").normal(DataType.FLOAT, 0, 1, 3));
        sd.put("cls_token", rng.split("d").normal(DataType.FLOAT, 0, 1, 1, 1, 4).permute(2, 1, 0));   // a non-contiguous view
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, sd, Map.of("format", "pt"));
        LinkedHashMap<String, INDArray> back = Safetensors.read(f);
        assertThat(back.keySet()).containsExactlyElementsOf(sd.keySet());
        for (var e : sd.entrySet()) {
            INDArray got = back.get(e.getKey());
            assertThat(got.dataType()).as(e.getKey()).isEqualTo(e.getValue().dataType());
            assertThat(got.shape()).as(e.getKey()).containsExactly(e.getValue().shape());
            assertThat(got).as(e.getKey()).isEqualTo(e.getValue());
        }
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + headerLength) % 8).as("data aligned to 8 bytes").isZero();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no temporary file left").containsExactly("m.safetensors");
        }
    }

    @Test
    void halfPrecisionTensorsAreWidenedExactly() throws IOException {
        // F16: 1.0 = 0x3C00, −2.0 = 0xC000, 0.5 = 0x3800, 65504 = 0x7BFF (largest), 2^-24 = 0x0001 (smallest subnormal)
        // BF16: the top 16 bits of a float32: 1.0 = 0x3F80, −2.0 = 0xC000, 3.140625 = 0x4049, 1e-38 ≈ 0x00D9
        byte[] data = new byte[20];
        System.arraycopy(shorts(0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x0000), 0, data, 0, 12);
        System.arraycopy(shorts(0x3F80, 0xC000, 0x4049, 0x00D9), 0, data, 12, 8);
        Path f = raw("half.safetensors", "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[12,20]}}", data);
        Map<String, INDArray> sd = Safetensors.read(f);
        assertThat(sd.get("a").shape()).containsExactly(2, 3);
        assertThat(sd.get("a").reshape(6).toFloatVector()).containsExactly(1f, -2f, 0.5f, 65504f, (float) Math.pow(2, -24), 0f);
        assertThat(sd.get("b").toFloatVector()).containsExactly(1f, -2f, 3.140625f, Float.intBitsToFloat(0x00D90000));
    }

    @Test
    void float64TensorsAndScalarsAreRead() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).putDouble(-1e-300).putDouble(42);
        Path f = raw("d.safetensors", "{\"v\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]}}", b.array());
        Map<String, INDArray> sd = Safetensors.read(f);
        assertThat(sd.get("v").dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(sd.get("v").toDoubleVector()).containsExactly(Math.PI, -1e-300);
        assertThat(sd.get("s").rank()).isZero();
        assertThat(sd.get("s").getDouble(0)).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "unknown dtype      | {\"w\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}                       | tensor 'w' has dtype I32",
            "span vs shape      | {\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}                       | tensor 'w' F32 [3] needs 12 bytes but its data_offsets span 8",
            "offsets past data  | {\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}                      | tensor 'w' has data_offsets [0, 16] outside the 8 data bytes",
            "reversed offsets   | {\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}                       | tensor 'w' has data_offsets [8, 0]",
            "overlap            | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | tensor 'v' overlaps",
            "negative dimension | {\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}                      | tensor 'w' has a bad dimension -2",
            "no offsets         | {\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}                                             | tensor 'w' needs dtype, shape and two data_offsets",
            "not JSON           | {\"w\": [1, 2                                                                         | header is not valid JSON",
            "not an object      | [1, 2]                                                                                 | header is not a JSON object"})
    void corruptHeadersAreRefusedNamingFileAndTensor(String what, String header, String message) throws IOException {
        Path f = raw("bad.safetensors", header.strip(), floats(1f, 2f));
        assertThatThrownBy(() -> Safetensors.read(f)).as(what).isInstanceOf(WeightFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining(message);
    }

    @Test
    void impossibleHeaderLengthsAndTruncationAreRefused() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.read(tiny)).isInstanceOf(WeightFileException.class).hasMessageContaining("too short");

        Path longHeader = dir.resolve("long.safetensors");
        Files.write(longHeader, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).array());
        assertThatThrownBy(() -> Safetensors.read(longHeader)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("header length 1000000 is impossible for a file of 16 bytes");

        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, Map.of("w", Nd4j.createFromArray(1f, 2f, 3f, 4f)), Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Safetensors.read(truncated)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining(truncated.toString()).hasMessageContaining("tensor 'w'").hasMessageContaining("outside the 12 data bytes");
    }

    @Test
    void nonFiniteWeightsAreRefused() throws IOException {
        Path f = raw("nan.safetensors", "{\"blocks.0.norm1.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1f, Float.NaN));
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("tensor 'blocks.0.norm1.weight' contains NaN or Inf");
    }

    @Test
    void writingRefusesOtherDtypesAndLeavesNoFile() {
        Path f = dir.resolve("int.safetensors");
        assertThatThrownBy(() -> Safetensors.write(f, Map.of("labels", Nd4j.createFromArray(1, 2, 3)), Map.of()))
                .isInstanceOf(WeightFileException.class).hasMessageContaining("tensor 'labels' is INT");
        assertThat(f).doesNotExist();
    }

    @Test
    void theGoldenTimmFileHoldsExactlyTheModelsParameters() throws IOException {
        Map<String, INDArray> sd = Safetensors.read(keyshield.tensor.Golden.file("vit_micro.safetensors"));
        var model = new keyshield.vit.VisionTransformer(new keyshield.vit.ViTConfig(32, 4, 3, 10, 48, 2, 3, 4.0, true, 0, 0, true,
                keyshield.vit.ViTConfig.GlobalPool.TOKEN), Rng.seeded(0));
        assertThat(sd.keySet()).containsExactlyInAnyOrderElementsOf(model.namedParameters().keySet());
        for (var e : model.namedParameters().entrySet())
            assertThat(sd.get(e.getKey()).shape()).as(e.getKey()).containsExactly(e.getValue().shape());
        assertThat(sd.values().stream().mapToLong(INDArray::length).sum()).isEqualTo(62_650);   // vit_micro_meta.json
    }

    @Test
    void int64CountersRoundTripExactlyAsLong() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("bn1.weight", Nd4j.createFromArray(1f, 2f));
        t.put("bn1.num_batches_tracked", Nd4j.scalar(DataType.LONG, (1L << 53) + 1));      // not representable as a double
        t.put("counts", Nd4j.createFromArray(new long[] {-3, 0, Long.MAX_VALUE}).reshape(3, 1));
        Path f = dir.resolve("counters.safetensors");
        Safetensors.write(f, t, Map.of());
        Map<String, INDArray> back = Safetensors.read(f);
        assertThat(back.keySet()).containsExactlyElementsOf(t.keySet());
        assertThat(back.get("bn1.num_batches_tracked").dataType()).isEqualTo(DataType.LONG);
        assertThat(back.get("bn1.num_batches_tracked").rank()).isZero();
        assertThat(back.get("bn1.num_batches_tracked").getLong(0)).isEqualTo((1L << 53) + 1);
        assertThat(back.get("counts").shape()).containsExactly(3, 1);
        assertThat(back.get("counts").reshape(3).toLongVector()).containsExactly(-3, 0, Long.MAX_VALUE);
        assertThat(back.get("bn1.weight")).isEqualTo(t.get("bn1.weight"));
    }

    @Test
    void aTorchWrittenI64TensorIsReadAndOtherIntegerTypesAreStillRefused() throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(391).array();
        Path ok = raw("i64.safetensors", "{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", data);
        assertThat(Safetensors.read(ok).get("n").getLong(0)).isEqualTo(391);
        Path bad = raw("i32.safetensors", "{\"n\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data);
        assertThatThrownBy(() -> Safetensors.read(bad)).hasMessageContaining("'n' has dtype I32").hasMessageContaining("F64 or I64");
        Map<String, INDArray> ints = Map.of("i", Nd4j.createFromArray(1, 2));
        assertThatThrownBy(() -> Safetensors.write(dir.resolve("x.safetensors"), ints, Map.of())).hasMessageContaining("'i' is INT");
    }
}
