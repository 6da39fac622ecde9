package keyshield.tensor.io;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;

/**
 * NumPy {@code .npz} archives: a zip of {@code name.npy} entries. This is how arrays enter and leave the
 * command line ({@code predict}, {@code attack}, {@code shuffle}, …), so NumPy/PyTorch users can
 * exchange inputs and outputs with us directly.
 */
public final class Npz {
    /** DEFLATE's largest expansion ratio (a 258-byte match per 2 bits), rounded up. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private Npz() {}

    /** Reads every array of {@code file}, in archive order; a missing or unreadable file names itself. */
    public static Map<String, INDArray> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such .npz file");
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) continue;
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                if (arrays.containsKey(name)) throw new IOException(file + ": array '" + name + "' appears twice");
                arrays.put(name, Npy.parse(readEntry(zip, e, file), file + ":" + e.getName()));
            }
        } catch (ZipException | EOFException e) {                                  // the zip layer's own errors do not name the file
            throw new IOException(file + ": not a readable .npz (zip) archive: " + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
        }
        return arrays;
    }

    /**
     * An entry's bytes, read as they arrive: the sizes in the zip headers are never trusted for allocation,
     * and an entry may not inflate beyond what DEFLATE can make of the whole file (or 2 GB, a Java array).
     */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file) throws IOException {
        long limit = Math.min(Integer.MAX_VALUE - 16, MAX_DEFLATE_RATIO * Files.size(file));
        try (InputStream in = zip.getInputStream(e)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(e.getSize(), 0), Math.min(limit, 1 << 26)));
            byte[] chunk = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
                if (total > limit)
                    throw new IOException(file + ":" + e.getName() + ": array inflates to more than " + limit + " bytes, which "
                            + (limit < Integer.MAX_VALUE - 16 ? "no deflated entry of this file can hold" : ".npz reading does not support (2 GB)"));
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The array {@code name} of {@code arrays}, or an error listing what the file does hold. */
    public static INDArray require(Map<String, INDArray> arrays, String name, Path file) throws IOException {
        INDArray a = arrays.get(name);
        if (a == null) throw new IOException(file + ": no array named '" + name + "'; the file holds " + arrays.keySet());
        return a;
    }

    /** Entries carry this fixed time, so equal arrays give byte-identical files (as NumPy's savez does). */
    private static final java.time.LocalDateTime ENTRY_TIME = java.time.LocalDateTime.of(1980, 1, 1, 0, 0);

    /** Atomically writes {@code arrays} (insertion order) to {@code file}; the same arrays always give the same bytes. */
    public static void write(Path file, Map<String, INDArray> arrays) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(entry);
                zip.write(Nd4j.toNpyByteArray(e.getValue().dup('c')));
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
