package keyshield.experiments.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's binary release ({@code cifar-10-batches-bin}): files of records of 1 label byte followed by
 * 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each row-major 32×32), i.e. CHW; 10,000 records per
 * file. Training is {@code data_batch_1.bin} … {@code data_batch_5.bin}, test is {@code test_batch.bin};
 * class names come from {@code batches.meta.txt} when present.
 */
public final class Cifar10Binary {
    public static final int SIDE = 32, CHANNELS = 3, IMAGE_BYTES = CHANNELS * SIDE * SIDE, RECORD_BYTES = 1 + IMAGE_BYTES;
    /** CIFAR-10's class names in label order (also the alphabetical order of the folder layout). */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private Cifar10Binary() {}

    /** Reads the training or test split from a {@code cifar-10-batches-bin} folder. */
    public static Dataset load(Path dir, Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        if (split == Split.TRAIN) for (int i = 1; i <= 5; i++) files.add(dir.resolve("data_batch_" + i + ".bin"));
        else files.add(dir.resolve("test_batch.bin"));
        return read(split.name().toLowerCase(java.util.Locale.ROOT), files, classNames(dir));
    }

    /** Reads and concatenates the records of {@code files}; labels must index {@code classes}. */
    public static Dataset read(String name, List<Path> files, List<String> classes) throws IOException {
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new DataFileException(f, "CIFAR-10 batch file", "a regular file", "missing");
            long size = Files.size(f);
            if (size == 0 || size % RECORD_BYTES != 0)
                throw new DataFileException(f, "file size", "a positive multiple of " + RECORD_BYTES + " bytes (1 label + 3072 pixels)", size + " bytes");
            total += size / RECORD_BYTES;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("Cifar10Binary: " + total + " records do not fit one array");
        byte[] pixels = new byte[(int) total * IMAGE_BYTES];
        int[] labels = new int[(int) total];
        int n = 0;
        for (Path f : files) {
            byte[] raw = Files.readAllBytes(f);
            if (raw.length % RECORD_BYTES != 0)
                throw new DataFileException(f, "file size (changed while reading)", "a multiple of " + RECORD_BYTES, raw.length);
            for (int r = 0; r < raw.length / RECORD_BYTES; r++, n++) {
                int label = raw[r * RECORD_BYTES] & 0xFF;
                if (label >= classes.size())
                    throw new DataFileException(f, "label of record " + r, "a class in [0, " + classes.size() + ")", label);
                labels[n] = label;
                System.arraycopy(raw, r * RECORD_BYTES + 1, pixels, n * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return Dataset.ofBytes(name, pixels, CHANNELS, SIDE, SIDE, labels, classes);
    }

    /** Class names from {@code batches.meta.txt} (one per line), or {@link #CLASSES} when it is absent. */
    static List<String> classNames(Path dir) throws IOException {
        Path meta = dir.resolve("batches.meta.txt");
        if (!Files.isRegularFile(meta)) return CLASSES;
        if (Files.size(meta) > 1 << 20) throw new DataFileException(meta, "size", "≤ 1 MiB of class names", Files.size(meta) + " bytes");
        List<String> names;
        try {
            names = Files.readAllLines(meta, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (CharacterCodingException e) {
            throw new DataFileException(meta, "class names", "UTF-8 text", "bytes that are not UTF-8");
        }
        if (names.isEmpty()) throw new DataFileException(meta, "class names", "at least one line", "none");
        return names;
    }
}
