package keyshield.tensor.io;

import keyshield.tensor.fuzz.ParserContract;
import keyshield.tensor.fuzz.ParserFuzzTest;
import org.junit.jupiter.api.BeforeAll;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fuzzes our NumPy readers, the way arrays enter the command line: {@link Npy#parse} on raw bytes (where
 * a forged header or shape must never allocate more than the bytes present) and {@link Npz#read} on
 * whole archives (where the zip layer may also lie about sizes). Seeds: {@code NpzFuzzTestInputs/}.
 */
class NpzFuzzTest {
    @BeforeAll
    static void loadNd4j() { Nd4j.create(1); }                                 // backend start-up is not an input's time

    @ParserFuzzTest
    void npy(byte[] bytes) throws Exception {
        ParserContract.holds("fuzz.npy", () -> Npy.parse(bytes, "fuzz.npy"), a -> {});
    }

    @ParserFuzzTest
    void npz(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.npz", Npz::read);
    }
}
