package keyshield.defense;

import keyshield.tensor.fuzz.ParserContract;
import keyshield.tensor.fuzz.ParserFuzzTest;

/**
 * Fuzzes {@link KeyFile#read}: a key file is small text, but it comes from the user's disk, so bad
 * encodings, huge numbers and broken base64 must give an error naming the file (and never echo more
 * than a few characters of what may be key material). Seeds ({@code KeyFileFuzzTestInputs/}): a random
 * and a seeded key as {@link KeyFile#write} lays them out, and the findings.
 */
class KeyFileFuzzTest {
    @ParserFuzzTest
    void keyFile(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "fuzz.key", KeyFile::read);
    }
}
