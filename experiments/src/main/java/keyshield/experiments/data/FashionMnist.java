package keyshield.experiments.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test grayscale 28×28 images of 10 kinds
 * of clothing, in IDX files. Debian's package {@code dataset-fashion-mnist} installs them gzipped in
 * {@link #DEBIAN_DIR} as {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz} and {@code t10k-labels-idx1-ubyte.gz}; unzipped copies (the same
 * names without {@code .gz}) are read as well.
 *
 * <p>{@link Layout#RGB_32} turns each image into what a CIFAR-sized ViT takes: 2 zero pixels of
 * padding on every side (28 → 32) and the gray channel copied to red, green and blue.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int SIDE = 28;

    /** The image layout of the loaded dataset. */
    public enum Layout {
        /** 1×28×28, as stored. */
        GRAY_28,
        /** 3×32×32: zero-padded by 2 pixels on each side, gray replicated to three channels. */
        RGB_32
    }

    private FashionMnist() {}

    /** The split as stored, 1×28×28. */
    public static Dataset load(Path dir, Split split) throws IOException { return load(dir, split, Layout.GRAY_28); }

    /** The split in the chosen layout. */
    public static Dataset load(Path dir, Split split, Layout layout) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path images = find(dir, prefix + "-images-idx3-ubyte"), labels = find(dir, prefix + "-labels-idx1-ubyte");
        String name = "fashion-mnist-" + split.name().toLowerCase(java.util.Locale.ROOT);
        Idx.Images im = Idx.readImages(images);
        if (im.rows() != SIDE || im.cols() != SIDE)
            throw new DataFileException(images, "image size", SIDE + "×" + SIDE, im.rows() + "×" + im.cols());
        int[] y = Idx.readLabels(labels, CLASSES.size());
        if (y.length != im.count())
            throw new DataFileException(labels, "label count (one per image of " + images.getFileName() + ")", im.count(), y.length);
        return layout == Layout.GRAY_28
                ? Dataset.ofBytes(name, im.pixels(), 1, SIDE, SIDE, y, CLASSES)
                : Dataset.ofBytes(name, padToRgb32(im.pixels(), im.count()), 3, SIDE + 4, SIDE + 4, y, CLASSES);
    }

    /** (n, 28, 28) gray → (n, 3, 32, 32): 2 zero pixels on each side, the gray plane copied three times. */
    static byte[] padToRgb32(byte[] src, int n) {
        int side = SIDE + 4, plane = side * side;
        byte[] out = new byte[Math.multiplyExact(n, 3 * plane)];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < SIDE; y++)
                    System.arraycopy(src, (i * SIDE + y) * SIDE, out, (i * 3 + c) * plane + (y + 2) * side + 2, SIDE);
        return out;
    }

    private static Path find(Path dir, String base) throws IOException {
        Path gz = dir.resolve(base + ".gz"), plain = dir.resolve(base);
        if (Files.isRegularFile(gz)) return gz;
        if (Files.isRegularFile(plain)) return plain;
        throw new DataFileException(dir, "Fashion-MNIST file", base + ".gz or " + base
                + " (install Debian's dataset-fashion-mnist for " + DEBIAN_DIR + ")", "missing");
    }
}
