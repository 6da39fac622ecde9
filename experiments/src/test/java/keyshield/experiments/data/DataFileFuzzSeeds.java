package keyshield.experiments.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the seed corpus of {@link DataFileFuzzTest}: a CIFAR-10 batch of two records, class names,
 * IDX images and labels plain and gzipped, and one small image of every kind the decoder meets (RGB,
 * gray, gray + alpha, RGBA and palette PNG, 16-bit gray PNG, JPEG, CMYK JPEG, BMP, GIF, TIFF). Run
 * from the module folder: {@code java -cp <test classpath> keyshield.experiments.data.DataFileFuzzSeeds}.
 */
final class DataFileFuzzSeeds {
    private DataFileFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path inputs = Paths.get("src/test/resources/keyshield/experiments/data/DataFileFuzzTestInputs");

        byte[] cifar = new byte[2 * Cifar10Binary.RECORD_BYTES];
        for (int i = 0; i < cifar.length; i++) cifar[i] = (byte) (i * 31);
        cifar[0] = 3;
        cifar[Cifar10Binary.RECORD_BYTES] = 9;
        write(inputs.resolve("cifarBatch/two-records.bin"), cifar);
        write(inputs.resolve("cifarClassNames/cifar10.txt"), (String.join("\n", Cifar10Binary.CLASSES) + "\n\n").getBytes(StandardCharsets.UTF_8));

        byte[] images = BinaryFormatsTest.idx(Idx.IMAGES_MAGIC, new int[] {2, 3, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        write(inputs.resolve("idxImages/two-3x2.idx3"), images);
        write(inputs.resolve("idxImages/two-3x2.idx3.gz"), gzip(images));
        byte[] labels = BinaryFormatsTest.idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[] {0, 9, 4});
        write(inputs.resolve("idxLabels/three.idx1"), labels);
        write(inputs.resolve("idxLabels/three.idx1.gz"), gzip(labels));

        Path data = Paths.get("src/test/resources/data");
        for (String name : new String[] {"cifar-airplane-0000.jpg", "cmyk.jpg", "gray.png", "gray-alpha.png", "rgba.png", "palette.png"})
            write(inputs.resolve("image/" + name), Files.readAllBytes(data.resolve(name)));
        BufferedImage rgb = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) rgb.setRGB(x, y, (x * 50) << 16 | (y * 60) << 8 | (x * y * 10));
        for (String format : new String[] {"bmp", "gif", "tiff"}) write(inputs.resolve("image/rgb-5x4." + format), encode(rgb, format));
        BufferedImage gray16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 1000, 20000, 40000, 60000, 65535});
        write(inputs.resolve("image/gray16-3x2.png"), encode(gray16, "png"));
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) throw new IOException("no ImageIO writer for " + format);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
