package keyshield.vit.weights;

import keyshield.tensor.fuzz.ParserContract;
import keyshield.tensor.fuzz.ParserFuzzTest;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Fuzzes every way weights enter a model: the three readers alone, and {@link ViTWeights#load}, which
 * also infers an architecture from the shapes and builds the model, so a forged shape must not make it
 * allocate more parameters than the file holds. Seeds ({@code WeightFileFuzzTestInputs/}) come from
 * {@link WeightFileFuzzSeeds}.
 */
class WeightFileFuzzTest {
    private static final String[] LOAD_FORMATS = {"fuzz.safetensors", "fuzz.onnx", "fuzz.npz"};

    @BeforeAll
    static void loadNd4j() { Nd4j.create(1); }                                 // backend start-up is not an input's time

    @ParserFuzzTest
    void safetensors(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.safetensors", Safetensors::read);
    }

    @ParserFuzzTest
    void onnx(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.onnx", OnnxWeights::read);
    }

    @ParserFuzzTest
    void googleNpz(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.npz", GoogleNpz::read);
    }

    /** Byte 0 picks the format, byte 1 the head count given by the caller (0: none); the rest is the file. */
    @ParserFuzzTest
    void load(byte[] bytes) throws Exception {
        if (bytes.length < 2) return;
        String name = LOAD_FORMATS[Math.floorMod(bytes[0], LOAD_FORMATS.length)];
        OptionalInt heads = bytes[1] == 0 ? OptionalInt.empty() : OptionalInt.of(bytes[1]);
        byte[] file = Arrays.copyOfRange(bytes, 2, bytes.length);
        ParserContract.holdsOnFile(file, name, f -> ViTWeights.load(f, heads, DataType.FLOAT));
    }
}
