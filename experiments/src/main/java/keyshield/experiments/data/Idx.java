package keyshield.experiments.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and Fashion-MNIST: a big-endian 32-bit magic number {@code 0x000008dd}
 * (unsigned bytes, dd dimensions), dd big-endian 32-bit sizes, then the bytes in row-major order.
 * Images are {@code 0x00000803} (count, rows, columns), labels {@code 0x00000801} (count). Files may be
 * gzipped; that is detected from the gzip magic bytes {@code 1f 8b}, not from the name.
 *
 * <p>The header is never trusted for allocation: the payload it declares must fit in the file (or, for
 * gzip, in what DEFLATE can expand the file to, at most {@value #MAX_DEFLATE_RATIO}×), it is read
 * incrementally, and a file shorter or longer than declared is an error.
 */
public final class Idx {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    /** DEFLATE's largest expansion ratio (a 258-byte match per 2 bits), rounded up. */
    static final long MAX_DEFLATE_RATIO = 1032;

    private Idx() {}

    /** {@code count} images of {@code rows × cols} unsigned bytes, image after image, row-major. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    /** Reads an IDX image file ({@code *-images-idx3-ubyte[.gz]}). */
    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            readMagic(in, file, IMAGES_MAGIC);
            int n = readSize(in, file, "image count"), rows = readSize(in, file, "rows"), cols = readSize(in, file, "columns");
            long payload = (long) n * rows;
            payload = payload > Long.MAX_VALUE / Math.max(cols, 1) ? Long.MAX_VALUE : payload * cols;   // saturates: no sizes wrap round to a small payload
            byte[] pixels = readPayload(in, file, payload, 16);
            return new Images(n, rows, cols, pixels);
        }
    }

    /** Reads an IDX label file ({@code *-labels-idx1-ubyte[.gz]}); each label must be in [0, numClasses). */
    public static int[] readLabels(Path file, int numClasses) throws IOException {
        try (DataInputStream in = open(file)) {
            readMagic(in, file, LABELS_MAGIC);
            int n = readSize(in, file, "label count");
            byte[] raw = readPayload(in, file, n, 8);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xFF;
                if (labels[i] >= numClasses)
                    throw new DataFileException(file, "label " + i, "a class in [0, " + numClasses + ")", labels[i]);
            }
            return labels;
        }
    }

    /** An image file and its label file as a dataset of 1×rows×cols images. */
    public static Dataset dataset(String name, Path images, Path labels, List<String> classes) throws IOException {
        Images im = readImages(images);
        int[] y = readLabels(labels, classes.size());
        if (y.length != im.count())
            throw new DataFileException(labels, "label count (one per image of " + images.getFileName() + ")", im.count(), y.length);
        return Dataset.ofBytes(name, im.pixels(), 1, im.rows(), im.cols(), y, classes);
    }

    /** True when the file starts with gzip's magic bytes. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return new DataInputStream(isGzip(file) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new DataFileException(file, e instanceof EOFException ? "truncated gzip header" : "corrupt gzip header", e);
        }
    }

    private static void readMagic(DataInputStream in, Path file, int expected) throws IOException {
        int magic = readInt(in, file, "magic number");
        if (magic != expected)
            throw new DataFileException(file, "magic number", DataFileException.hex(expected), DataFileException.hex(magic));
    }

    private static int readSize(DataInputStream in, Path file, String what) throws IOException {
        int v = readInt(in, file, what);
        if (v < 0) throw new DataFileException(file, what, "a size in [0, 2^31)", Integer.toUnsignedString(v));
        return v;
    }

    private static int readInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFileException(file, what, "4 header bytes", "end of file (truncated)");
        } catch (ZipException e) {
            throw new DataFileException(file, "corrupt gzip data", e);
        }
    }

    /** Reads exactly {@code n} payload bytes after a {@code header}-byte header, then requires end of data. */
    private static byte[] readPayload(DataInputStream in, Path file, long n, int header) throws IOException {
        long fileSize = Files.size(file);
        boolean gz = isGzip(file);
        long bound = gz ? MAX_DEFLATE_RATIO * fileSize : fileSize - header;
        if (n > bound)
            throw new DataFileException(file, "declared payload (" + (gz ? "at most " + MAX_DEFLATE_RATIO + "× a gzip file of " : "a file of ")
                    + fileSize + " bytes can hold at most " + bound + ")", "≤ " + bound + " bytes", n + " bytes");
        if (n > Integer.MAX_VALUE - 8)
            throw new DataFileException(file, "declared payload", "< 2 GiB", n + " bytes");
        byte[] data;
        try {
            data = in.readNBytes((int) n);                       // grows as bytes arrive: no up-front allocation of n
            if (data.length < n)
                throw new DataFileException(file, "payload length (truncated file)", n + " bytes", data.length + " bytes");
            if (in.read() != -1)
                throw new DataFileException(file, "end of data after the declared payload", "end of file", "more bytes");
        } catch (ZipException | EOFException e) {
            throw new DataFileException(file, "corrupt or truncated gzip data", e);
        }
        return data;
    }
}
