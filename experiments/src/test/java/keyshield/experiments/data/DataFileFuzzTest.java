package keyshield.experiments.data;

import keyshield.tensor.fuzz.ParserContract;
import keyshield.tensor.fuzz.ParserFuzzTest;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every reader of training and evaluation data: CIFAR-10 batches and class names, IDX images and
 * labels (plain or gzipped: a forged count must not allocate what the file cannot hold), and image
 * decoding through ImageIO and TwelveMonkeys (a forged width × height must not allocate the image).
 * A result must also be consistent: its byte count matches its declared sizes. Seeds
 * ({@code DataFileFuzzTestInputs/}) come from {@link DataFileFuzzSeeds}.
 */
class DataFileFuzzTest {
    @BeforeAll
    static void loadNd4j() { Nd4j.create(1); }                                 // backend start-up is not an input's time

    @ParserFuzzTest
    void cifarBatch(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "test_batch.bin", f -> Cifar10Binary.read("test", List.of(f), Cifar10Binary.CLASSES),
                d -> assertThat(d.size()).isEqualTo(bytes.length / Cifar10Binary.RECORD_BYTES));
    }

    @ParserFuzzTest
    void cifarClassNames(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "batches.meta.txt", f -> Cifar10Binary.classNames(f.getParent()),
                names -> assertThat(names).isNotEmpty().allMatch(n -> !n.isBlank()));
    }

    @ParserFuzzTest
    void idxImages(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz-images-idx3-ubyte", Idx::readImages,
                im -> assertThat((long) im.pixels().length).isEqualTo((long) im.count() * im.rows() * im.cols()));
    }

    @ParserFuzzTest
    void idxLabels(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz-labels-idx1-ubyte", f -> Idx.readLabels(f, 10),
                labels -> assertThat(Arrays.stream(labels).allMatch(y -> y >= 0 && y < 10)).isTrue());
    }

    @ParserFuzzTest
    void image(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.img", ImageDecoder::decode,
                im -> assertThat(im.channels()).isEqualTo(3));
    }
}
