package keyshield.tensor.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the seed corpus of {@link NpzFuzzTest}: small valid files from our own writer (every dtype we
 * read, rank 0 to 3, Fortran order, format version 2) that the fuzzer mutates. Run from the module
 * folder after changing the formats: {@code java -cp <test classpath> keyshield.tensor.io.NpzFuzzSeeds}.
 */
final class NpzFuzzSeeds {
    private NpzFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path inputs = Paths.get("src/test/resources/keyshield/tensor/io/NpzFuzzTestInputs");
        Map<String, byte[]> npy = new LinkedHashMap<>();
        npy.put("f4-2x3", Nd4j.toNpyByteArray(Nd4j.arange(6).castTo(DataType.FLOAT).reshape(2, 3)));
        npy.put("f8-scalar", Nd4j.toNpyByteArray(Nd4j.scalar(2.5)));
        npy.put("i8-3", Nd4j.toNpyByteArray(Nd4j.createFromArray(3L, 1L, 4L)));
        npy.put("u1-2x2", Nd4j.toNpyByteArray(Nd4j.createFromArray(new int[] {0, 1, 254, 255}).castTo(DataType.UBYTE).reshape(2, 2)));
        npy.put("b1-3", Nd4j.toNpyByteArray(Nd4j.createFromArray(true, false, true)));
        npy.put("f2-fortran-v2", handWritten(2, "{'descr': '<f2', 'fortran_order': True, 'shape': (2, 2), }", new byte[] {0, 0x3c, 0, 0x40, 0, 0x42, 0, 0x44}));
        npy.put("i2-bigendian-zero-size", handWritten(1, "{'descr': '>i2', 'fortran_order': False, 'shape': (0, 3), }", new byte[0]));
        for (Map.Entry<String, byte[]> e : npy.entrySet()) write(inputs.resolve("npy").resolve(e.getKey() + ".npy"), e.getValue());

        Path dir = inputs.resolve("npz");
        Files.createDirectories(dir);
        Npz.write(dir.resolve("two-arrays.npz"), Map.of("x", Nd4j.arange(4).castTo(DataType.FLOAT).reshape(2, 2), "y", Nd4j.createFromArray(1L, 2L)));
        Npz.write(dir.resolve("empty.npz"), Map.of());
    }

    /** A .npy file of format {@code version} with a given header dict and data bytes. */
    static byte[] handWritten(int version, String dict, byte[] data) {
        int pre = version == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(dict);
        while ((pre + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        byte[] header = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[pre + header.length + data.length];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0};
        System.arraycopy(magic, 0, out, 0, magic.length);
        if (version == 1) { out[8] = (byte) header.length; out[9] = (byte) (header.length >> 8); }
        else for (int i = 0; i < 4; i++) out[8 + i] = (byte) (header.length >> (8 * i));
        System.arraycopy(header, 0, out, pre, header.length);
        System.arraycopy(data, 0, out, pre + header.length, data.length);
        return out;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
