package keyshield.experiments.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ImageNet folder layout on small generated folders: order, labels, shapes, exact pixels, errors, cache. */
class ImageFolderTest {
    @TempDir Path tmp;

    /** Writes an RGB image of the given size, pixel (x, y) = f(seed, x, y), as PNG or JPEG. */
    static BufferedImage write(Path file, int w, int h, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        String fmt = file.toString().toLowerCase().endsWith(".png") ? "png" : "jpg";
        assertThat(ImageIO.write(img, fmt, file.toFile())).isTrue();
        return img;
    }

    /** class folders deliberately created out of order, with files of mixed case, type and size. */
    Path imagenetLike() throws IOException {
        Path val = tmp.resolve("val");
        write(val.resolve("n02/b.JPEG"), 50, 40, 1);
        write(val.resolve("n02/a.png"), 31, 77, 2);
        write(val.resolve("n01/z.jpg"), 64, 64, 3);
        write(val.resolve("n01/10.png"), 40, 90, 4);
        write(val.resolve("n01/9.png"), 120, 33, 5);
        write(val.resolve("n03/only.jpeg"), 36, 36, 6);
        Files.writeString(val.resolve("n01/README.txt"), "not an image");
        return val;
    }

    @Test
    void classIndexIsSortedFolderPositionAndFilesAreSorted() throws IOException {
        Path val = imagenetLike();
        ImageFolder.Listing l = ImageFolder.list(val);
        assertThat(l.classes()).containsExactly("n01", "n02", "n03");
        assertThat(l.files().stream().map(p -> val.relativize(p).toString().replace('\\', '/')).toList())
                .containsExactly("n01/10.png", "n01/9.png", "n01/z.jpg", "n02/a.png", "n02/b.JPEG", "n03/only.jpeg");
        assertThat(l.labels()).containsExactly(0, 0, 0, 1, 1, 2);
        assertThat(l.skipped()).containsExactly(val.resolve("n01/README.txt"));
    }

    @Test
    void imagesOfAnySizeComeOutResizedAndCroppedInUnitRange() throws IOException {
        Dataset d = ImageFolder.open(imagenetLike(), new Preprocess(24, 0.875, Interpolation.BICUBIC));
        assertThat(d.size()).isEqualTo(6);
        assertThat(d.labels()).containsExactly(0, 0, 0, 1, 1, 2);
        INDArray x = d.images();
        assertThat(x.shape()).containsExactly(6, 3, 24, 24);
        assertThat(x.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(x.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(d.path(3)).contains(d.path(3).orElseThrow());
        assertThat(d.path(3).orElseThrow().getFileName().toString()).isEqualTo("a.png");
    }

    @Test
    void pngAtTargetSizeKeepsExactPixels() throws IOException {
        Path split = tmp.resolve("train");
        BufferedImage img = write(split.resolve("cls/0.png"), 32, 32, 42);
        Dataset d = ImageFolder.open(split, Preprocess.cifar());
        float[] px = new float[3 * 32 * 32];
        d.readInto(0, px, 0);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) {
                int rgb = img.getRGB(x, y);
                assertThat(px[(0 * 32 + y) * 32 + x]).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
                assertThat(px[(1 * 32 + y) * 32 + x]).isEqualTo(((rgb >> 8) & 0xFF) / 255f);
                assertThat(px[(2 * 32 + y) * 32 + x]).isEqualTo((rgb & 0xFF) / 255f);
            }
    }

    @Test
    void centerCropOfAWideImageTakesTheMiddleColumns() throws IOException {
        Path split = tmp.resolve("s");
        BufferedImage img = write(split.resolve("c/wide.png"), 48, 32, 7);      // shorter side 32 = scaleSize: no resize
        Dataset d = ImageFolder.open(split, Preprocess.cifar());
        float[] px = new float[3 * 32 * 32];
        d.readInto(0, px, 0);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                assertThat(px[(1 * 32 + y) * 32 + x]).isEqualTo(((img.getRGB(x + 8, y) >> 8) & 0xFF) / 255f);
    }

    @Test
    void secondPassDecodesNothingWithACacheAndEverythingWithout() throws IOException {
        Path val = imagenetLike();
        Dataset cached = ImageFolder.open(val, Preprocess.cifar());
        Dataset uncached = ImageFolder.open(val, Preprocess.cifar(), 0);
        INDArray first = cached.images();
        assertThat(cached.decodes()).isEqualTo(6);
        assertThat(cached.images()).isEqualTo(first);
        INDArray sub = cached.subset(new int[] {5, 0}).images();
        assertThat(sub.slice(0)).isEqualTo(first.slice(5));
        assertThat(sub.slice(1)).isEqualTo(first.slice(0));
        assertThat(cached.decodes()).isEqualTo(6);
        assertThat(uncached.images()).isEqualTo(first);
        uncached.images();
        assertThat(uncached.decodes()).isEqualTo(12);
    }

    @Test
    void emptyClassFolderAndMissingSplitAreErrors() throws IOException {
        Path val = imagenetLike();
        Files.createDirectories(val.resolve("n00"));
        assertThatThrownBy(() -> ImageFolder.list(val)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("n00").hasMessageContaining("got none");
        assertThatThrownBy(() -> ImageFolder.list(tmp.resolve("nope"))).isInstanceOf(DataFileException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void corruptImageNamesTheFile() throws IOException {
        Path split = tmp.resolve("bad");
        Files.createDirectories(split.resolve("c"));
        Files.write(split.resolve("c/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 1, 2});
        Dataset d = ImageFolder.open(split, Preprocess.cifar());
        assertThatThrownBy(() -> d.readInto(0, new float[3 * 32 * 32], 0)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(DataFileException.class).hasMessageContaining("broken.jpg");
    }

    @Test
    void grayJpegIsReplicatedNotGammaCorrected() throws IOException {
        Path split = tmp.resolve("g");
        Files.createDirectories(split.resolve("c"));
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) gray.getRaster().setSample(x, y, 0, 8 * y);
        ImageIO.write(gray, "png", split.resolve("c/g.png").toFile());
        Dataset d = ImageFolder.open(split, Preprocess.cifar());
        float[] px = new float[3 * 32 * 32];
        d.readInto(0, px, 0);
        for (int c = 0; c < 3; c++) assertThat(px[(c * 32 + 10) * 32 + 5]).isEqualTo(80 / 255f);
        assertThat(List.of(d.channels(), d.height(), d.width())).containsExactly(3, 32, 32);
    }
}
