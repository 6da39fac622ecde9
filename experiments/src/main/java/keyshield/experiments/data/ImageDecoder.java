package keyshield.experiments.data;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Decodes an image file (JPEG, PNG, BMP, TIFF: whatever ImageIO reads) into 8-bit RGB, the way PIL's
 * {@code Image.open(f).convert("RGB")} does, because that is what timm's and torchvision's loaders feed
 * the model:
 * <ul>
 *   <li>RGB samples are taken as stored; an embedded ICC profile is ignored (PIL does not convert);</li>
 *   <li>grayscale is replicated to three channels unchanged (AWT's {@code getRGB} would apply a gamma
 *       curve to linear-gray images, brightening them);</li>
 *   <li>alpha is dropped, not composited; palettes are looked up; 16-bit samples are rounded to 8 bits.</li>
 * </ul>
 * CMYK and YCCK JPEGs (a few in ImageNet's training set) are read through the TwelveMonkeys ImageIO
 * plugin, which converts them as PIL does (the JDK's own reader gets their colors wrong). All 10,000
 * CIFAR-10 test JPEGs decode to the same bytes as PIL 9.4 with libjpeg-turbo. A file that cannot be
 * decoded, or whose header claims more pixels (or a BMP more embedded bytes) than its size can hold
 * ({@link #maxPixels}), raises a {@link DataFileException} naming it.
 */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false);                     // decode in memory, no temp files
    }

    /** The most pixels one image may have: 64 M (an 8192 × 8192 photo; about 700 MB while decoding and converting). */
    static final long MAX_PIXELS = 1L << 26;
    /**
     * The most pixels per byte of file: DEFLATE expands at most 1032-fold, so an 8-bit PNG or TIFF cannot
     * exceed it, and real photos are below 50. A header claiming more (the fuzzer's GIF of 25,665 × 25,199
     * in 148 bytes) is forged, and is refused before the decoder allocates the image.
     */
    static final long MAX_PIXELS_PER_BYTE = 2048;

    private ImageDecoder() {}

    /** The pixel budget of a file of {@code size} bytes: {@link #MAX_PIXELS_PER_BYTE} per byte, at least 256 × 256, at most {@link #MAX_PIXELS}. */
    static long maxPixels(long size) {
        return Math.min(MAX_PIXELS, Math.max(1 << 16, MAX_PIXELS_PER_BYTE * size));
    }

    /** Reads and decodes {@code file} into a 3-channel image. */
    public static RawImage decode(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        requireEmbeddedImageFits(bytes, file);
        BufferedImage img;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext())
                throw new DataFileException(file, "image format", "JPEG, PNG, BMP or TIFF", "unrecognised bytes");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0), most = maxPixels(bytes.length);
                if (pixels > most)                                                 // read from the header, before anything is allocated
                    throw new DataFileException(file, "image size", "at most " + most + " pixels for a file of " + bytes.length + " bytes",
                            reader.getWidth(0) + "×" + reader.getHeight(0));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (DataFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFileException(file, "cannot decode image", e);
        }
        return toRgb(img);
    }

    /**
     * A BMP may wrap a JPEG or PNG (compression 4 or 5); the JDK's BMP reader allocates the wrapped
     * image's declared byte count (biSizeImage) before reading it, so a forged count is an
     * OutOfMemoryError inside ImageIO (fuzzing: 66 bytes declaring 1.5 GB). It must fit in the file.
     */
    private static void requireEmbeddedImageFits(byte[] bytes, Path file) throws DataFileException {
        if (bytes.length < 38 || bytes[0] != 'B' || bytes[1] != 'M') return;
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int infoSize = header.getInt(14), compression = header.getInt(30);
        long declared = header.getInt(34) & 0xFFFFFFFFL;
        if (infoSize >= 40 && (compression == 4 || compression == 5) && declared > bytes.length)
            throw new DataFileException(file, "size of the BMP's embedded " + (compression == 4 ? "JPEG" : "PNG"),
                    "at most the file's " + bytes.length + " bytes", declared + " bytes");
    }

    /** Converts a decoded image to planar 8-bit RGB following PIL's {@code convert("RGB")}. */
    static RawImage toRgb(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth(), n = h * w;
        byte[] out = new byte[3 * n];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int spaceType = cm.getColorSpace().getType();
        boolean component = cm instanceof ComponentColorModel;
        int[] samples = new int[n];
        if (component && spaceType == ColorSpace.TYPE_GRAY) {
            raster.getSamples(0, 0, w, h, 0, samples);
            int bits = cm.getComponentSize(0);
            for (int i = 0; i < n; i++) {
                byte v = (byte) to8(samples[i], bits);
                out[i] = v;
                out[n + i] = v;
                out[2 * n + i] = v;
            }
        } else if (component && spaceType == ColorSpace.TYPE_RGB && raster.getNumBands() >= 3) {
            for (int c = 0; c < 3; c++) {
                raster.getSamples(0, 0, w, h, c, samples);
                int bits = cm.getComponentSize(c);
                for (int i = 0; i < n; i++) out[c * n + i] = (byte) to8(samples[i], bits);
            }
        } else {
            // palettes and packed formats: AWT's sRGB lookup is exact for these
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < n; i++) {
                out[i] = (byte) (argb[i] >> 16);
                out[n + i] = (byte) (argb[i] >> 8);
                out[2 * n + i] = (byte) argb[i];
            }
        }
        return new RawImage(3, h, w, out);
    }

    private static int to8(int sample, int bits) {
        if (bits == 8) return sample;
        int max = (1 << bits) - 1;
        return (int) Math.round(sample * 255.0 / max);
    }
}
