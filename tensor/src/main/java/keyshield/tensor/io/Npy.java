package keyshield.tensor.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader for one NumPy {@code .npy} array (format versions 1–3): the magic {@code \x93NUMPY},
 * a version, a little-endian header length, a Python-dict header
 * ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}), then the raw data.
 *
 * <p>We parse it ourselves because ND4J's npz reader loops forever on some corrupt inputs. Every size is
 * checked against the bytes actually present before anything is allocated, so a forged header cannot
 * make us allocate more than the file holds.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d{1,3})'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    /** ND4J's (and NumPy's) largest rank. */
    static final int MAX_RANK = 32;
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Parses {@code bytes} (one whole .npy file); {@code where} names it in errors. */
    static INDArray parse(byte[] bytes, String where) throws IOException {
        if (bytes.length < 10) throw new IOException(where + ": too short for a .npy header (" + bytes.length + " bytes)");
        for (int i = 0; i < MAGIC.length; i++)
            if (bytes[i] != MAGIC[i]) throw new IOException(where + ": not a .npy array (bad magic bytes)");
        int major = bytes[6] & 0xFF;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) { headerLen = buf.getShort(8) & 0xFFFF; headerStart = 10; }
        else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new IOException(where + ": truncated .npy header");
            headerLen = buf.getInt(8) & 0xFFFFFFFFL; headerStart = 12;
        } else throw new IOException(where + ": unsupported .npy format version " + major + " (expected 1, 2 or 3)");
        if (headerStart + headerLen > bytes.length)
            throw new IOException(where + ": header length " + headerLen + " runs past the end of the " + bytes.length + "-byte array");
        String header = new String(bytes, headerStart, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(where + ": malformed .npy header: " + header.strip());
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        DataType dtype = dtype(kind, width, where);
        boolean fortran = f.group(1).equals("True");
        long[] shape = shape(s.group(1), where);

        if (shape.length > MAX_RANK)
            throw new IOException(where + ": shape has " + shape.length + " dimensions; at most " + MAX_RANK + " are supported");
        long count, need;
        try {
            count = 1;
            for (long n : shape) count = Math.multiplyExact(count, n);
            need = Math.multiplyExact(count, width);
        } catch (ArithmeticException e) {
            throw new IOException(where + ": shape " + java.util.Arrays.toString(shape) + " has more elements than any file can hold");
        }
        int dataStart = headerStart + (int) headerLen;
        if (need != bytes.length - dataStart)
            throw new IOException(where + ": shape " + java.util.Arrays.toString(shape) + " of " + d.group(2) + width
                    + " needs " + need + " data bytes but the array has " + (bytes.length - dataStart));
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(order);
        INDArray flat = read(data, kind, width, (int) count, dtype);
        if (shape.length == 0) return flat.reshape();                                  // rank 0
        if (!fortran) return flat.reshape('c', shape);
        return flat.reshape('f', shape).dup('c');
    }

    private static DataType dtype(char kind, int width, String where) throws IOException {
        return switch (kind + "" + width) {
            case "f2" -> DataType.HALF;
            case "f4" -> DataType.FLOAT;
            case "f8" -> DataType.DOUBLE;
            case "i1" -> DataType.BYTE;
            case "i2" -> DataType.SHORT;
            case "i4" -> DataType.INT;
            case "i8" -> DataType.LONG;
            case "u1" -> DataType.UBYTE;
            case "b1" -> DataType.BOOL;
            default -> throw new IOException(where + ": unsupported .npy dtype '" + kind + width + "' (expected f2/f4/f8, i1–i8, u1 or b1)");
        };
    }

    private static long[] shape(String text, String where) throws IOException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) continue;
            try {
                long n = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (n < 0) throw new NumberFormatException();
                dims.add(n);
            } catch (NumberFormatException e) {
                throw new IOException(where + ": bad dimension '" + p + "' in shape (" + text + ")");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static INDArray read(ByteBuffer b, char kind, int width, int n, DataType dtype) {
        switch (dtype) {
            case DOUBLE: { double[] v = new double[n]; b.asDoubleBuffer().get(v); return Nd4j.createFromArray(v); }
            case FLOAT: { float[] v = new float[n]; b.asFloatBuffer().get(v); return Nd4j.createFromArray(v); }
            case HALF: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = HalfFloats.halfToFloat(b.getShort(2 * i));
                return Nd4j.createFromArray(v).castTo(DataType.HALF);
            }
            case LONG: { long[] v = new long[n]; b.asLongBuffer().get(v); return Nd4j.createFromArray(v); }
            case INT: { int[] v = new int[n]; b.asIntBuffer().get(v); return Nd4j.createFromArray(v); }
            case SHORT: { short[] v = new short[n]; b.asShortBuffer().get(v); return Nd4j.createFromArray(v); }
            case BYTE: { byte[] v = new byte[n]; b.get(v); return Nd4j.createFromArray(v); }
            case UBYTE: { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b.get(i) & 0xFF; return Nd4j.createFromArray(v).castTo(DataType.UBYTE); }
            default: { boolean[] v = new boolean[n]; for (int i = 0; i < n; i++) v[i] = b.get(i) != 0; return Nd4j.createFromArray(v); }
        }
    }
}
