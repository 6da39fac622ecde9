package keyshield.vit.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import keyshield.tensor.io.AtomicFiles;
import keyshield.tensor.io.HalfFloats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length n, n bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}},
 * then the raw little-endian tensor bytes, offsets relative to the end of the header. Reading accepts
 * F32, F16, BF16 (widened to float32), F64 and I64 (int64 counters such as torchvision's BatchNorm
 * {@code num_batches_tracked}, read as LONG); writing emits F32, F64 or I64, in the order given.
 *
 * <p>Every length is checked against the file before anything is allocated: a header longer than the
 * file, offsets outside the data, overlapping tensors, byte spans that do not match dtype × shape, or
 * NaN/Inf values are {@link WeightFileException}s naming the file and the tensor.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /** Reads every tensor of {@code file}, in header order. */
    public static LinkedHashMap<String, INDArray> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new WeightFileException(file, "no such file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(ch, file);
            JsonNode header = h.json();
            long dataStart = h.dataStart(), dataSize = ch.size() - dataStart;
            LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
            List<long[]> spans = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                out.put(e.getKey(), tensor(ch, file, e.getKey(), e.getValue(), dataStart, dataSize, spans));
            }
            return out;
        }
    }

    /** The string metadata of {@code file}'s header ({@code __metadata__}; empty when absent), checked as {@link #read} checks the header. */
    public static LinkedHashMap<String, String> metadata(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new WeightFileException(file, "no such file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonNode meta = header(ch, file).json().get("__metadata__");
            LinkedHashMap<String, String> out = new LinkedHashMap<>();
            if (meta == null) return out;
            if (!meta.isObject()) throw new WeightFileException(file, "__metadata__ is not a JSON object");
            for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) throw new WeightFileException(file, "__metadata__ value of '" + e.getKey() + "' is not a string");
                out.put(e.getKey(), e.getValue().asText());
            }
            return out;
        }
    }

    /** The parsed JSON header and where the tensor bytes start (8 + its length). */
    private record Header(JsonNode json, long dataStart) {}

    private static Header header(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) throw new WeightFileException(file, "too short for a safetensors header (" + size + " bytes)");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > size - 8 || n > MAX_HEADER)
            throw new WeightFileException(file, "header length " + n + " is impossible for a file of " + size + " bytes");
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8, file);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new WeightFileException(file, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) throw new WeightFileException(file, "header is not a JSON object");
        return new Header(header, 8 + n);
    }

    private static INDArray tensor(FileChannel ch, Path file, String name, JsonNode t, long dataStart, long dataSize, List<long[]> spans) throws IOException {
        JsonNode dt = t.get("dtype"), shapeNode = t.get("shape"), offs = t.get("data_offsets");
        if (dt == null || !dt.isTextual() || shapeNode == null || !shapeNode.isArray() || offs == null || !offs.isArray() || offs.size() != 2)
            throw new WeightFileException(file, "tensor '" + name + "' needs dtype, shape and two data_offsets in the header: " + t);
        int width = switch (dt.asText()) {
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            case "F16", "BF16" -> 2;
            default -> throw new WeightFileException(file, "tensor '" + name + "' has dtype " + dt.asText() + "; expected F32, F16, BF16, F64 or I64");
        };
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || s.asLong() < 0) throw new WeightFileException(file, "tensor '" + name + "' has a bad dimension " + s + " in shape " + shapeNode);
            shape[i] = s.asLong();
        }
        int bytes = TensorChecks.byteCount(shape, width, file, "tensor '" + name + "'");
        int count = bytes / width;
        long begin = offs.get(0).asLong(-1), end = offs.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize)
            throw new WeightFileException(file, "tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] outside the " + dataSize + " data bytes");
        if (end - begin != bytes)
            throw new WeightFileException(file, "tensor '" + name + "' " + dt.asText() + " " + shapeNode + " needs " + bytes
                    + " bytes but its data_offsets span " + (end - begin));
        for (long[] s : spans)
            if (begin < s[1] && s[0] < end) throw new WeightFileException(file, "tensor '" + name + "' overlaps another tensor's bytes");
        spans.add(new long[] {begin, end});
        ByteBuffer b = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, b, dataStart + begin, file);
        b.flip();
        if (dt.asText().equals("I64")) return integers(b, (int) count, shape);               // counters: no NaN to check
        INDArray flat = switch (dt.asText()) {
            case "F32" -> { float[] v = new float[count]; b.asFloatBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "F64" -> { double[] v = new double[count]; b.asDoubleBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "F16" -> { float[] v = new float[count]; for (int i = 0; i < v.length; i++) v[i] = HalfFloats.halfToFloat(b.getShort(2 * i)); yield Nd4j.createFromArray(v); }
            default -> { float[] v = new float[count]; for (int i = 0; i < v.length; i++) v[i] = HalfFloats.bfloat16ToFloat(b.getShort(2 * i)); yield Nd4j.createFromArray(v); }
        };
        TensorChecks.requireFinite(flat, file, "tensor '" + name + "'");
        return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
    }

    /** An I64 tensor's values as a LONG array of {@code shape}. */
    private static INDArray integers(ByteBuffer b, int count, long[] shape) {
        long[] v = new long[count];
        b.asLongBuffer().get(v);
        INDArray flat = Nd4j.createFromArray(v);
        return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) throw new WeightFileException(file, "file ends early (truncated)");
        }
    }

    /** Writes {@code tensors} (float32, float64 or int64 each; other dtypes are refused) atomically, with optional string metadata (stored sorted by key). */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            new java.util.TreeMap<>(metadata).forEach(m::put);                    // sorted: the same content always gives the same bytes
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            String dt = switch (a.dataType()) {
                case FLOAT -> "F32";
                case DOUBLE -> "F64";
                case LONG -> "I64";
                default -> throw new WeightFileException(file, "tensor '" + e.getKey() + "' is " + a.dataType() + "; only FLOAT, DOUBLE and LONG are written");
            };
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dt);
            var shape = t.putArray("shape");
            for (long s : a.shape()) shape.add(s);
            long bytes = a.length() * (dt.equals("F32") ? 4 : 8);
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int pad = (8 - json.length % 8) % 8;                                           // align the data to 8 bytes, as the reference writer does
        byte[] headerBytes = new byte[json.length + pad];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < headerBytes.length; i++) headerBytes[i] = ' ';
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length);
            out.write(len.array());
            out.write(headerBytes);
            for (INDArray a : tensors.values()) {
                INDArray c = a.dup('c').reshape(new long[] {a.length()});                        // flat, row-major
                ByteBuffer b = ByteBuffer.allocate((int) (c.length() * (c.dataType() == DataType.FLOAT ? 4 : 8))).order(ByteOrder.LITTLE_ENDIAN);
                if (c.dataType() == DataType.FLOAT) b.asFloatBuffer().put(c.toFloatVector());
                else if (c.dataType() == DataType.LONG) b.asLongBuffer().put(c.toLongVector());
                else b.asDoubleBuffer().put(c.toDoubleVector());
                out.write(b.array());
            }
        });
    }
}
