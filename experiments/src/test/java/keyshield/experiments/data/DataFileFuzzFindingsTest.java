package keyshield.experiments.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per bug that fuzzing the data readers found, each with its input inline: before the fix
 * each gave a wrong result, an IOException naming no file, or an OutOfMemoryError.
 */
class DataFileFuzzFindingsTest {
    @TempDir Path dir;

    /** Fuzzing (idxImages): count × rows × cols wrapped round a long, so 2^30 images of 2^30 × 16 read as a valid, empty result. */
    @Test
    void imageSizesThatOverflowAreRefused() throws IOException {
        Path f = write("wrap-images-idx3-ubyte", "00000803" + "40000000" + "40000000" + "00000010");
        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataFileException.class)
                .hasMessageContaining("wrap-images-idx3-ubyte: declared payload").hasMessageContaining("got 9223372036854775807 bytes");
    }

    /** Fuzzing (idxImages, idxLabels): gzip's magic bytes and nothing more gave an EOFException without a message. */
    @Test
    void aTruncatedGzipHeaderNamesTheFile() throws IOException {
        Path f = write("cut-labels-idx1-ubyte.gz", "1f8b08");
        assertThatThrownBy(() -> Idx.readLabels(f, 10)).isInstanceOf(DataFileException.class)
                .hasMessage(f + ": truncated gzip header");
    }

    /** Fuzzing (cifarClassNames): a byte that is not UTF-8 gave MalformedInputException "Input length = 1", naming no file. */
    @Test
    void classNamesThatAreNotUtf8NameTheFile() throws IOException {
        Path f = write("batches.meta.txt", "616972706c616e650a" + "ff0a");                   // "airplane\n\xff\n"
        assertThatThrownBy(() -> Cifar10Binary.classNames(dir)).isInstanceOf(DataFileException.class)
                .hasMessage(f + ": class names: expected UTF-8 text, got bytes that are not UTF-8");
    }

    /**
     * Fuzzing (image): a GIF header claiming a 25,665 × 25,199 image in 148 bytes made ImageIO allocate
     * 647 MB: OutOfMemoryError. This 28-byte GIF claims 30,000 × 30,000; the header is now checked first.
     */
    @Test
    void imagesLargerThanTheirFileCanHoldAreRefused() throws IOException {
        Path f = write("forged.gif", "474946383961" + "01000100" + "000000" + "2c" + "00000000" + "3075" + "3075" + "00" + "02" + "0144" + "00" + "3b");
        assertThatThrownBy(() -> ImageDecoder.decode(f)).isInstanceOf(DataFileException.class)
                .hasMessage(f + ": image size: expected at most 65536 pixels for a file of 28 bytes, got 30000×30000");
        assertThat(ImageDecoder.maxPixels(1 << 20)).isEqualTo(ImageDecoder.MAX_PIXELS);
    }

    /**
     * Fuzzing (image, round 2): a 66-byte BMP "wrapping a PNG" declared 1.5 GB of it, which the JDK's BMP
     * reader allocates before reading: OutOfMemoryError. This 54-byte one declares 1.3 GB.
     */
    @Test
    void aBmpsEmbeddedImageMustFitInTheFile() throws IOException {
        Path f = write("wrapped.bmp", "424d" + "00000000" + "00000000" + "36000000"                 // file header, pixels at 54
                + "28000000" + "04000000" + "04000000" + "0100" + "0000" + "05000000" + "00000050"     // 4 × 4, compression 5 (PNG), 0x50000000 bytes
                + "00000000".repeat(4));
        assertThatThrownBy(() -> ImageDecoder.decode(f)).isInstanceOf(DataFileException.class)
                .hasMessage(f + ": size of the BMP's embedded PNG: expected at most the file's 54 bytes, got 1342177280 bytes");
    }

    private Path write(String name, String hex) throws IOException {
        return Files.write(dir.resolve(name), HexFormat.of().parseHex(hex));
    }
}
