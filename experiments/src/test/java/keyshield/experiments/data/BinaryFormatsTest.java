package keyshield.experiments.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CIFAR-10 binary and IDX files written here, read back, compared; corrupt and forged files rejected. */
class BinaryFormatsTest {
    @TempDir Path tmp;
    final Random random = new Random(8);

    // ---- CIFAR-10 binary ----

    byte[] cifarRecords(int[] labels, byte[] pixels) {
        byte[] out = new byte[labels.length * Cifar10Binary.RECORD_BYTES];
        for (int i = 0; i < labels.length; i++) {
            out[i * Cifar10Binary.RECORD_BYTES] = (byte) labels[i];
            System.arraycopy(pixels, i * 3072, out, i * Cifar10Binary.RECORD_BYTES + 1, 3072);
        }
        return out;
    }

    @Test
    void cifarBinaryRoundTrip() throws IOException {
        int[] labels = new int[13];
        byte[] pixels = new byte[13 * 3072];
        for (int i = 0; i < labels.length; i++) labels[i] = random.nextInt(10);
        random.nextBytes(pixels);
        Files.write(tmp.resolve("test_batch.bin"), cifarRecords(labels, pixels));
        Dataset d = Cifar10Binary.load(tmp, Split.TEST);
        assertThat(d.size()).isEqualTo(13);
        assertThat(d.labels()).isEqualTo(labels);
        assertThat(d.classes()).isEqualTo(Cifar10Binary.CLASSES);
        float[] px = new float[3072];
        for (int i = 0; i < 13; i++) {
            d.readInto(i, px, 0);
            for (int k = 0; k < 3072; k++) assertThat(px[k]).isEqualTo((pixels[i * 3072 + k] & 0xFF) / 255f);
        }
    }

    @Test
    void cifarTrainConcatenatesFiveBatchesAndReadsClassNames() throws IOException {
        int[] all = new int[10];
        for (int b = 1; b <= 5; b++) {
            int[] labels = {b - 1, b + 4};
            all[2 * (b - 1)] = labels[0];
            all[2 * (b - 1) + 1] = labels[1];
            Files.write(tmp.resolve("data_batch_" + b + ".bin"), cifarRecords(labels, new byte[2 * 3072]));
        }
        Files.writeString(tmp.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n");
        Dataset d = Cifar10Binary.load(tmp, Split.TRAIN);
        assertThat(d.labels()).containsExactly(all);
        assertThat(d.classes()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    }

    @Test
    void cifarBadFilesNameFileExpectedAndActual() throws IOException {
        Path f = tmp.resolve("test_batch.bin");
        Files.write(f, Arrays.copyOf(cifarRecords(new int[] {1, 2}, new byte[2 * 3072]), 2 * 3073 - 5));
        assertThatThrownBy(() -> Cifar10Binary.load(tmp, Split.TEST)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("test_batch.bin").hasMessageContaining("multiple of 3073").hasMessageContaining("6141 bytes");
        Files.write(f, cifarRecords(new int[] {1, 10}, new byte[2 * 3072]));
        assertThatThrownBy(() -> Cifar10Binary.load(tmp, Split.TEST)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("test_batch.bin").hasMessageContaining("record 1").hasMessageContaining("[0, 10)")
                .hasMessageContaining("got 10");
        assertThatThrownBy(() -> Cifar10Binary.load(tmp, Split.TRAIN)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("data_batch_1.bin").hasMessageContaining("missing");
    }

    // ---- IDX ----

    static byte[] idx(int magic, int[] dims, byte[] payload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(payload);
        return bytes.toByteArray();
    }

    static void write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }

    @Test
    void idxRoundTripPlainAndGzipDetectedByMagicNotName() throws IOException {
        byte[] pixels = new byte[7 * 5 * 4];
        random.nextBytes(pixels);
        byte[] labels = {3, 0, 9, 9, 1, 2, 5};
        for (boolean gz : new boolean[] {false, true}) {
            Path im = tmp.resolve("images-" + gz), lab = tmp.resolve("labels-" + gz);   // no .gz suffix either way
            write(im, idx(Idx.IMAGES_MAGIC, new int[] {7, 5, 4}, pixels), gz);
            write(lab, idx(Idx.LABELS_MAGIC, new int[] {7}, labels), gz);
            assertThat(Idx.isGzip(im)).isEqualTo(gz);
            Idx.Images read = Idx.readImages(im);
            assertThat(List.of(read.count(), read.rows(), read.cols())).containsExactly(7, 5, 4);
            assertThat(read.pixels()).isEqualTo(pixels);
            assertThat(Idx.readLabels(lab, 10)).containsExactly(3, 0, 9, 9, 1, 2, 5);
            Dataset d = Idx.dataset("t", im, lab, FashionMnist.CLASSES);
            assertThat(d.imageShape()).containsExactly(1, 5, 4);
            float[] px = new float[20];
            d.readInto(6, px, 0);
            assertThat(px[19]).isEqualTo((pixels[6 * 20 + 19] & 0xFF) / 255f);
        }
    }

    @Test
    void idxWrongMagicTruncatedTrailingAndOutOfRange() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path f = tmp.resolve("f" + gz);
            write(f, idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 3}), gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("expected 0x00000803, got 0x00000801");
            assertThatThrownBy(() -> Idx.readLabels(f, 3)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining("label 2").hasMessageContaining("[0, 3)").hasMessageContaining("got 3");
            write(f, idx(Idx.IMAGES_MAGIC, new int[] {2, 3, 3}, new byte[17]), gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("18").hasMessageContaining("17");
            write(f, idx(Idx.IMAGES_MAGIC, new int[] {2, 3, 3}, new byte[19]), gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("more bytes");
            write(f, new byte[] {0, 0, 8}, gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
        }
    }

    @Test
    void forgedHeaderCannotMakeUsAllocateGigabytes() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path f = tmp.resolve("forged" + gz);
            write(f, idx(Idx.IMAGES_MAGIC, new int[] {60_000, 28_000, 28_000}, new byte[100]), gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("47040000000000 bytes");
            write(f, idx(Idx.IMAGES_MAGIC, new int[] {1, -1, 1}, new byte[0]), gz);
            assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                    .hasMessageContaining("rows").hasMessageContaining("4294967295");
        }
        // within what DEFLATE can expand a small file to, but the data is not there: read incrementally, then rejected
        Path g = tmp.resolve("short.gz");
        write(g, idx(Idx.LABELS_MAGIC, new int[] {20_000}, new byte[10]), true);
        assertThatThrownBy(() -> Idx.readLabels(g, 10)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("expected 20000 bytes, got 10 bytes");
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Path im = tmp.resolve("im"), lab = tmp.resolve("lab");
        write(im, idx(Idx.IMAGES_MAGIC, new int[] {3, 2, 2}, new byte[12]), false);
        write(lab, idx(Idx.LABELS_MAGIC, new int[] {2}, new byte[2]), true);
        assertThatThrownBy(() -> Idx.dataset("x", im, lab, FashionMnist.CLASSES)).isInstanceOf(DataFileException.class)
                .hasMessageContaining(lab.toString()).hasMessageContaining("expected 3, got 2");
    }

    @Test
    void gzipWithCorruptDataIsAnError() throws IOException {
        Path f = tmp.resolve("corrupt.gz");
        write(f, idx(Idx.IMAGES_MAGIC, new int[] {4, 10, 10}, new byte[400]), true);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(b, b.length - 12));                // cut into the deflate stream and trailer
        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class).hasMessageContaining(f.toString());
    }

    // ---- Fashion-MNIST ----

    @Test
    void fashionMnistDebianNamesAndRgb32Layout() throws IOException {
        byte[] pixels = new byte[3 * 28 * 28];
        random.nextBytes(pixels);
        write(tmp.resolve("t10k-images-idx3-ubyte.gz"), idx(Idx.IMAGES_MAGIC, new int[] {3, 28, 28}, pixels), true);
        write(tmp.resolve("t10k-labels-idx1-ubyte.gz"), idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[] {9, 0, 4}), true);
        Dataset gray = FashionMnist.load(tmp, Split.TEST);
        assertThat(gray.imageShape()).containsExactly(1, 28, 28);
        Dataset rgb = FashionMnist.load(tmp, Split.TEST, FashionMnist.Layout.RGB_32);
        assertThat(rgb.imageShape()).containsExactly(3, 32, 32);
        assertThat(rgb.labels()).containsExactly(9, 0, 4);
        float[] g = new float[28 * 28], c = new float[3 * 32 * 32];
        for (int i = 0; i < 3; i++) {
            gray.readInto(i, g, 0);
            rgb.readInto(i, c, 0);
            for (int ch = 0; ch < 3; ch++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++) {
                        boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                        float expected = inside ? g[(y - 2) * 28 + (x - 2)] : 0f;
                        assertThat(c[(ch * 32 + y) * 32 + x]).isEqualTo(expected);
                    }
        }
        assertThatThrownBy(() -> FashionMnist.load(tmp, Split.TRAIN)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("dataset-fashion-mnist");
    }

    @Test
    void debianFashionMnistWhenInstalled() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "Debian's dataset-fashion-mnist is not installed");
        Dataset train = FashionMnist.load(FashionMnist.DEBIAN_DIR, Split.TRAIN, FashionMnist.Layout.RGB_32);
        Dataset test = FashionMnist.load(FashionMnist.DEBIAN_DIR, Split.TEST);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.labelHistogram()).containsOnly(6000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.labelHistogram()).containsOnly(1000);
        assertThat(test.label(0)).isEqualTo(9);                          // the first test image is an ankle boot
    }
}
