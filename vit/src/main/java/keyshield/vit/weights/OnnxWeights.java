package keyshield.vit.weights;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import keyshield.tensor.io.HalfFloats;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads the weights of a timm ViT exported to ONNX into a timm state dict.
 *
 * <p>Two real export styles exist. Without constant folding the graph's initializers keep timm's names
 * ({@code blocks.0.attn.qkv.weight}, Linear weights (out, in), applied through Transpose + MatMul). With
 * PyTorch's default constant folding, each Linear weight is stored pre-transposed as (in, out) under a
 * generated name such as {@code onnx::MatMul_233}; its timm name is recovered from the scope name of the
 * MatMul node that consumes it ({@code /blocks/blocks.0/attn/qkv/MatMul} → {@code blocks.0.attn.qkv}),
 * and it is transposed back. Tensors come as {@code raw_data} or typed {@code float_data}/
 * {@code double_data}/{@code int32_data} (FLOAT16 bit patterns), or in an external side file (models
 * over 2 GB). The number of heads is read from the attention's reshape to (B, N, 3, heads, headDim).
 */
public final class OnnxWeights {
    private static final Pattern TIMM_NAME = Pattern.compile(
            "cls_token|pos_embed|patch_embed\\.proj\\.(weight|bias)|blocks\\.\\d+\\.[a-z0-9_.]+\\.(weight|bias)|norm\\.(weight|bias)|head\\.(weight|bias)|fc_norm\\.(weight|bias)");

    /** Real exports wrap a shape constant in one or two Unsqueeze/Cast nodes. */
    private static final int MAX_WRAPPERS = 8;

    private OnnxWeights() {}

    /** A timm state dict read from an ONNX graph, and the head count if the graph shows it. */
    public record Imported(LinkedHashMap<String, INDArray> stateDict, OptionalInt numHeads) {}

    /** Reads {@code file}; every failure is a {@link WeightFileException} naming the file and the tensor. */
    public static Imported read(Path file) throws IOException {
        ModelProto model = parse(file);
        GraphProto graph = model.getGraph();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            for (String out : n.getOutputList()) producers.put(out, n);
        }
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : graph.getInitializerList()) initializers.put(t.getName(), t);

        LinkedHashMap<String, INDArray> stateDict = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            String name = t.getName();
            INDArray value = decode(t, file);
            if (!TIMM_NAME.matcher(name).matches()) {
                NodeProto user = single(consumers.get(name), name, file);
                if (!user.getOpType().equals("MatMul") || user.getInputCount() != 2 || !user.getInput(1).equals(name) || value.rank() != 2)
                    throw new WeightFileException(file, "tensor '" + name + "' " + show(value) + " is consumed by " + user.getOpType()
                            + " node '" + user.getName() + "'; only a pre-transposed Linear weight (second input of a MatMul) can be mapped");
                name = moduleName(user.getName(), file) + ".weight";
                value = value.transpose().dup('c');                                  // (in, out) → (out, in)
            }
            if (stateDict.containsKey(name))
                throw new WeightFileException(file, "tensor '" + name + "' appears twice (initializer '" + t.getName() + "')");
            stateDict.put(name, value);
        }
        return new Imported(stateDict, numHeads(graph, producers, initializers, file));
    }

    /** timm module name from an exported scope: {@code /blocks/blocks.0/attn/qkv/MatMul} → {@code blocks.0.attn.qkv}. */
    static String moduleName(String nodeName, Path file) throws WeightFileException {
        String[] parts = nodeName.startsWith("/") ? nodeName.substring(1).split("/") : nodeName.split("/");
        if (parts.length < 2) throw new WeightFileException(file, "cannot derive a module name from node '" + nodeName + "'");
        String module = "";
        for (int i = 0; i < parts.length - 1; i++) {                                  // the last part is the op
            String p = parts[i];
            module = module.isEmpty() ? p : p.startsWith(module + ".") ? p : module + "." + p;
        }
        return module;
    }

    /** Heads from the first attention reshape's target (B, N, 3, heads, headDim), if it can be read. */
    private static OptionalInt numHeads(GraphProto g, Map<String, NodeProto> producers, Map<String, TensorProto> inits, Path file) throws IOException {
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Reshape") || !n.getName().matches(".*/attn/Reshape") || n.getInputCount() < 2) continue;
            String shape = n.getInput(1);
            long[] full = constant(shape, producers, inits, 0);
            if (full != null && full.length == 5) return heads(full[3], n, file);
            NodeProto concat = producers.get(shape);
            if (concat != null && concat.getOpType().equals("Concat") && concat.getInputCount() == 5) {
                long[] heads = constant(concat.getInput(3), producers, inits, 0);
                if (heads != null && heads.length == 1) return heads(heads[0], n, file);
            }
        }
        return OptionalInt.empty();
    }

    private static OptionalInt heads(long heads, NodeProto reshape, Path file) throws WeightFileException {
        if (heads < 1 || heads > Integer.MAX_VALUE)
            throw new WeightFileException(file, "attention reshape '" + reshape.getName() + "' gives " + heads + " heads");
        return OptionalInt.of((int) heads);
    }

    /**
     * The integer values of an initializer or a Constant node's output, or null if it is computed. At most
     * {@value #MAX_WRAPPERS} value-preserving wrappers are looked through, so a cycle of them (a forged
     * graph) ends instead of recursing until the stack overflows.
     */
    private static long[] constant(String name, Map<String, NodeProto> producers, Map<String, TensorProto> inits, int wrappers) {
        TensorProto t = inits.get(name);
        NodeProto p = producers.get(name);
        if (t == null && p != null && java.util.Set.of("Unsqueeze", "Squeeze", "Cast", "Identity").contains(p.getOpType()))
            return wrappers < MAX_WRAPPERS && p.getInputCount() > 0 ? constant(p.getInput(0), producers, inits, wrappers + 1) : null;
        if (t == null && p != null && p.getOpType().equals("Constant"))
            for (AttributeProto a : p.getAttributeList()) if (a.getName().equals("value")) t = a.getT();
        if (t == null) return null;
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) return null;
        if (t.getInt64DataCount() > 0) return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.remaining() / 8];
        for (int i = 0; i < v.length; i++) v[i] = b.getLong();
        return v;
    }

    private static NodeProto single(List<NodeProto> users, String name, Path file) throws WeightFileException {
        if (users == null || users.isEmpty())
            throw new WeightFileException(file, "tensor '" + name + "' has no timm name and no node consumes it");
        if (users.size() > 1)
            throw new WeightFileException(file, "tensor '" + name + "' has no timm name and " + users.size() + " consumers; cannot tell which module it belongs to");
        return users.get(0);
    }

    private static ModelProto parse(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new WeightFileException(file, "no such file");
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            ModelProto m = ModelProto.parseFrom(coded);
            if (!m.hasGraph() || m.getGraph().getInitializerCount() == 0)
                throw new WeightFileException(file, "not an ONNX model with weights (no graph initializers)");
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new WeightFileException(file, "not a valid ONNX (protobuf) file: " + e.getMessage(), e);
        }
    }

    /** One initializer as an array of its dtype's Java precision (FLOAT16 widened to float32). */
    static INDArray decode(TensorProto t, Path file) throws IOException {
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int type = t.getDataType();
        int width = switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE -> 8;
            case TensorProto.DataType.FLOAT16_VALUE -> 2;
            default -> throw new WeightFileException(file, "tensor '" + t.getName() + "' has ONNX data type "
                    + TensorProto.DataType.forNumber(type) + "; expected FLOAT, FLOAT16 or DOUBLE");
        };
        int bytes = TensorChecks.byteCount(shape, width, file, "tensor '" + t.getName() + "'");
        int count = bytes / width;
        ByteBuffer raw = rawBytes(t, file, bytes);
        INDArray flat;
        if (raw != null) {
            raw.order(ByteOrder.LITTLE_ENDIAN);
            flat = switch (width) {
                case 4 -> { float[] v = new float[count]; raw.asFloatBuffer().get(v); yield Nd4j.createFromArray(v); }
                case 8 -> { double[] v = new double[count]; raw.asDoubleBuffer().get(v); yield Nd4j.createFromArray(v); }
                default -> { float[] v = new float[count]; for (int i = 0; i < v.length; i++) v[i] = HalfFloats.halfToFloat(raw.getShort(2 * i)); yield Nd4j.createFromArray(v); }
            };
        } else {
            int have = switch (width) { case 4 -> t.getFloatDataCount(); case 8 -> t.getDoubleDataCount(); default -> t.getInt32DataCount(); };
            if (have != count)
                throw new WeightFileException(file, "tensor '" + t.getName() + "' of shape " + t.getDimsList() + " needs " + count + " values but holds " + have);
            flat = switch (width) {
                case 4 -> { float[] v = new float[count]; for (int i = 0; i < v.length; i++) v[i] = t.getFloatData(i); yield Nd4j.createFromArray(v); }
                case 8 -> { double[] v = new double[count]; for (int i = 0; i < v.length; i++) v[i] = t.getDoubleData(i); yield Nd4j.createFromArray(v); }
                default -> { float[] v = new float[count]; for (int i = 0; i < v.length; i++) v[i] = HalfFloats.halfToFloat((short) t.getInt32Data(i)); yield Nd4j.createFromArray(v); }
            };
        }
        TensorChecks.requireFinite(flat, file, "tensor '" + t.getName() + "'");
        if (type == TensorProto.DataType.FLOAT16_VALUE) flat = flat.castTo(DataType.FLOAT);
        return shape.length == 0 ? flat.reshape() : flat.reshape('c', shape);
    }

    /** The tensor's bytes from raw_data or its external side file, checked against the expected size; null if stored typed. */
    private static ByteBuffer rawBytes(TensorProto t, Path file, int expected) throws IOException {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            Map<String, String> ext = new HashMap<>();
            for (StringStringEntryProto e : t.getExternalDataList()) ext.put(e.getKey(), e.getValue());
            String location = ext.get("location");
            if (location == null) throw new WeightFileException(file, "tensor '" + t.getName() + "' is external but names no location");
            Path folder = file.toAbsolutePath().getParent(), side;
            try {
                side = folder.resolve(location).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw new WeightFileException(file, "tensor '" + t.getName() + "' names an impossible external location: " + e.getReason());
            }
            if (!side.startsWith(folder))
                throw new WeightFileException(file, "tensor '" + t.getName() + "' points outside the model's folder: " + location);
            long offset = externalNumber(ext, "offset", 0, t, file);
            long length = externalNumber(ext, "length", expected, t, file);
            if (length != expected)
                throw new WeightFileException(file, "tensor '" + t.getName() + "' external length " + length + " but its shape needs " + expected + " bytes");
            if (!Files.isRegularFile(side)) throw new WeightFileException(file, "external data file " + side + " of tensor '" + t.getName() + "' is missing");
            try (RandomAccessFile f = new RandomAccessFile(side.toFile(), "r")) {
                if (offset < 0 || offset > f.length() - length)
                    throw new WeightFileException(file, "tensor '" + t.getName() + "' needs " + length + " bytes from offset " + offset
                            + " of " + side.getFileName() + " which has " + f.length());
                byte[] b = new byte[(int) length];
                f.seek(offset);
                f.readFully(b);
                return ByteBuffer.wrap(b);
            }
        }
        ByteString raw = t.getRawData();
        if (raw.isEmpty()) return expected == 0 ? ByteBuffer.allocate(0) : null;
        if (raw.size() != expected)
            throw new WeightFileException(file, "tensor '" + t.getName() + "' of shape " + t.getDimsList() + " needs " + expected
                    + " bytes but raw_data has " + raw.size());
        return raw.asReadOnlyByteBuffer();
    }

    /** An external-data entry's offset or length: a non-negative decimal number, {@code absent} when missing. */
    private static long externalNumber(Map<String, String> ext, String key, long absent, TensorProto t, Path file) throws WeightFileException {
        String v = ext.get(key);
        if (v == null) return absent;
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new WeightFileException(file, "tensor '" + t.getName() + "' has external " + key + " '" + v + "'; expected a non-negative number of bytes");
    }

    private static String show(INDArray a) { return java.util.Arrays.toString(a.shape()); }
}
