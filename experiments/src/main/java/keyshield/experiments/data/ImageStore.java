package keyshield.experiments.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a {@link Dataset}'s pixels live: item i of a store is one C×H×W image, handed out as floats in
 * [0, 1]. Implementations must allow concurrent reads (the batch loader decodes in the background).
 */
interface ImageStore {
    int size();

    int channels();

    int height();

    int width();

    /** Writes item {@code i} as floats in [0, 1], CHW, into {@code dst[offset .. offset + C·H·W)}. */
    void read(int i, float[] dst, int offset) throws IOException;

    /** How many images this store has decoded from files so far (0 for in-memory stores). */
    default long decodes() { return 0; }

    /** The file item {@code i} comes from, if any. */
    default Optional<Path> path(int i) { return Optional.empty(); }

    /** 8-bit images in one array, item after item, each CHW (CIFAR's binary layout). */
    record Bytes(byte[] pixels, int channels, int height, int width) implements ImageStore {
        public Bytes {
            int item = channels * height * width;
            if (item <= 0 || pixels.length % item != 0)
                throw new IllegalArgumentException("image store: " + pixels.length + " bytes is not a whole number of "
                        + channels + "×" + height + "×" + width + " images");
        }

        @Override public int size() { return pixels.length / (channels * height * width); }

        @Override public void read(int i, float[] dst, int offset) {
            int item = channels * height * width, base = i * item;
            for (int k = 0; k < item; k++) dst[offset + k] = (pixels[base + k] & 0xFF) / 255f;
        }
    }

    /** Float images in one array, item after item, each CHW. */
    record Floats(float[] pixels, int channels, int height, int width) implements ImageStore {
        public Floats {
            int item = channels * height * width;
            if (item <= 0 || pixels.length % item != 0)
                throw new IllegalArgumentException("image store: " + pixels.length + " floats is not a whole number of "
                        + channels + "×" + height + "×" + width + " images");
        }

        @Override public int size() { return pixels.length / (channels * height * width); }

        @Override public void read(int i, float[] dst, int offset) {
            int item = channels * height * width;
            System.arraycopy(pixels, i * item, dst, offset, item);
        }
    }
}
