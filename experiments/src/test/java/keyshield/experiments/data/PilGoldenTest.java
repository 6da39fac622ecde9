package keyshield.experiments.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-for-byte agreement with Pillow 9.4 (fixtures made by src/test/resources/data/make_golden.py):
 * PIL's resampling filters, timm's eval transform, {@code convert("RGB")} of PNG color types, CMYK JPEGs (through TwelveMonkeys), and the
 * JPEG decoding of CIFAR-10 test images.
 */
class PilGoldenTest {
    static Path resource(String name) {
        try {
            return Path.of(PilGoldenTest.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource data/" + name, e);
        }
    }

    static int maxAbsDiff(RawImage a, RawImage b) {
        assertThat(new int[] {a.channels(), a.height(), a.width()}).containsExactly(b.channels(), b.height(), b.width());
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) max = Math.max(max, Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF)));
        return max;
    }

    @ParameterizedTest
    @CsvSource({"bicubic-20x29, BICUBIC, 29, 20", "bicubic-70x90, BICUBIC, 90, 70", "bicubic-41x30, BICUBIC, 30, 41",
                "bicubic-30x57, BICUBIC, 57, 30", "bilinear-20x29, BILINEAR, 29, 20"})
    void resizeMatchesPil(String name, Interpolation filter, int h, int w) throws IOException {
        RawImage in = ImageDecoder.decode(resource("resize-in.png"));
        RawImage expected = ImageDecoder.decode(resource("resize-" + name + ".png"));
        RawImage actual = Resize.resize(in, h, w, filter);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void evalTransformMatchesTimm() throws IOException {
        RawImage in = ImageDecoder.decode(resource("resize-in.png"));          // 57 high, 41 wide
        Preprocess p = new Preprocess(24, 0.875, Interpolation.BICUBIC);       // resize to 27 × 37, crop at (6, 2)
        assertThat(p.scaleSize()).isEqualTo(27);
        assertThat(p.apply(in)).isEqualTo(ImageDecoder.decode(resource("timm-eval-24.png")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gray.png", "gray-alpha.png", "rgba.png", "palette.png"})
    void pngColorTypesConvertLikePil(String name) throws IOException {
        assertThat(ImageDecoder.decode(resource(name))).isEqualTo(ImageDecoder.decode(resource("expected-" + name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cifar-airplane-0000", "cifar-cat-0007", "cifar-frog-0123", "cifar-truck-0999"})
    void cifarJpegDecodesLikePil(String name) throws IOException {
        RawImage ours = ImageDecoder.decode(resource(name + ".jpg"));
        RawImage pil = ImageDecoder.decode(resource(name + "-pil.png"));
        assertThat(maxAbsDiff(ours, pil)).as("max |ImageIO − PIL| for " + name).isEqualTo(0);
    }

    @Test
    void cmykJpegDecodesLikePil() throws IOException {
        RawImage ours = ImageDecoder.decode(resource("cmyk.jpg"));
        RawImage pil = ImageDecoder.decode(resource("expected-cmyk.png"));
        int diff = maxAbsDiff(ours, pil);
        System.out.println("CMYK JPEG: max |ours − PIL| = " + diff);
        assertThat(diff).isEqualTo(0);
    }
}
