package keyshield.experiments.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared CIFAR-10 JPEG folder: counts, order, shapes, labels, and a full decode of the test split. */
class CifarFolderTest {
    @Test
    void testSplitDecodesTenThousandImagesThousandPerClass() throws IOException {
        Path root = SharedData.require("cifar10");
        Dataset test = ImageFolder.open(root, "test", Preprocess.cifar());
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(test.classes()).isEqualTo(Cifar10Binary.CLASSES);
        assertThat(test.imageShape()).containsExactly(3, 32, 32);
        assertThat(test.labelHistogram()).containsOnly(1000);
        assertThat(test.path(0).orElseThrow()).isEqualTo(root.resolve("test/airplane/0000.jpg"));
        assertThat(test.label(9_999)).isEqualTo(9);
        assertThat(test.every(10).labelHistogram()).containsOnly(100);

        float[] px = new float[3 * 32 * 32];
        double sum = 0;
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < test.size(); i++) {
            test.readInto(i, px, 0);
            for (float v : px) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("CIFAR-10 test: decoded %d JPEGs in %.2f s (%.0f images/s), mean pixel %.4f%n",
                test.decodes(), seconds, test.size() / seconds, sum / (test.size() * 3072.0));
        assertThat(test.decodes()).isEqualTo(10_000);
        assertThat(min).isGreaterThanOrEqualTo(0f);
        assertThat(max).isLessThanOrEqualTo(1f);
        double mean = sum / (test.size() * 3072.0);
        assertThat(mean).isBetween(0.4, 0.5);       // CIFAR-10's mean pixel is about 0.47
    }

    @Test
    void trainSplitListsFiftyThousandFiles() throws IOException {
        ImageFolder.Listing train = ImageFolder.list(SharedData.require("cifar10").resolve("train"));
        assertThat(train.files()).hasSize(50_000);
        assertThat(train.skipped()).isEmpty();
        int[] hist = new int[10];
        for (int y : train.labels()) hist[y]++;
        assertThat(hist).containsOnly(5000);
    }
}
