package keyshield.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per bug that fuzzing the NumPy readers found (or reviewing them for the harness), with the
 * input inline: before the fix each escaped as an unchecked exception or as an IOException that did
 * not say which file was broken.
 */
class NpzFuzzFindingsTest {
    @TempDir Path dir;

    /** Fuzzing (npy): a shape whose element count overflows a long threw ArithmeticException from multiplyExact. */
    @Test
    void shapesWhoseSizeOverflowsAreRefused() {
        byte[] npy = NpzFuzzSeeds.handWritten(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", new byte[0]);
        assertThatThrownBy(() -> Npy.parse(npy, "big.npy")).isInstanceOf(IOException.class)
                .hasMessageContaining("big.npy: shape [4294967296, 4294967296, 4294967296] has more elements than any file can hold");
    }

    /** Review: an element width of many digits threw NumberFormatException ("For input string"), naming no file. */
    @Test
    void absurdElementWidthsAreMalformedHeaders() {
        byte[] npy = NpzFuzzSeeds.handWritten(1, "{'descr': '<f99999999999', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertThatThrownBy(() -> Npy.parse(npy, "wide.npy")).isInstanceOf(IOException.class).hasMessageContaining("wide.npy: malformed .npy header");
    }

    /** Review: ranks above NumPy's and libnd4j's 32 were handed to native code. */
    @Test
    void ranksAbove32AreRefused() {
        byte[] npy = NpzFuzzSeeds.handWritten(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, ".repeat(33) + "), }", new byte[4]);
        assertThatThrownBy(() -> Npy.parse(npy, "deep.npy")).isInstanceOf(IOException.class).hasMessageContaining("deep.npy: shape has 33 dimensions");
    }

    /** Fuzzing (npz): the zip layer's EOFExceptions have no message; here the END record's comment runs past the file. */
    @Test
    void aZipCommentPastTheEndNamesTheFile() throws IOException {
        Path f = write("comment.npz", ZIP_WITH_ONE_ENTRY.replaceAll("0000$", "0020"));
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("comment.npz: not a readable .npz (zip) archive: it ends early");
    }

    /** Fuzzing (npz): a deflated entry that ends early gave "Unexpected end of ZLIB input stream", naming no file. */
    @Test
    void aTruncatedDeflateStreamNamesTheFile() throws IOException {
        Path f = write("truncated.npz", ZIP_WITH_ONE_ENTRY.replace("6360a03d0000", "00ffff000000"));   // a stored block of 65535 bytes, 1 present
        assertThatThrownBy(() -> Npz.read(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated.npz: not a readable .npz (zip) archive: Unexpected end of ZLIB input stream");
    }

    /** A zip (as ZipOutputStream writes it) of one deflated entry {@code x.npy} holding 100 zero bytes. */
    private static final String ZIP_WITH_ONE_ENTRY = "504b0304140008080800aa8d825d00000000000000000000000005000000782e6e70796360a03d0000504b0708cac68899"
            + "0600000064000000504b01021400140008080800aa8d825dcac688990600000064000000050000000000000000000000000000000000782e6e7079"
            + "504b0506000000000100010033000000390000000000";

    private Path write(String name, String hex) throws IOException {
        return Files.write(dir.resolve(name), HexFormat.of().parseHex(hex));
    }
}
