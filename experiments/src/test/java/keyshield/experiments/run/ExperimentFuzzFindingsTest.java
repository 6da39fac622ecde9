package keyshield.experiments.run;

import keyshield.experiments.report.ResultFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bugs fuzzing {@link Runner#read} found (or reviewing it for the harness), each with its input inline. */
class ExperimentFuzzFindingsTest {
    @TempDir Path dir;

    /**
     * Fuzzing: a file starting with zero bytes made Jackson's encoding detection take it for UTF-32 (here
     * "Unsupported UCS-4 endianness (3412)"), and its CharConversionException named no file.
     */
    @Test
    void zeroBytesThatLookLikeUtf32NameTheFile() throws IOException {
        Path f = dir.resolve("utf32.json");
        Files.write(f, HexFormat.of().parseHex("00007700000000000000000000656e00003f616d65206e"));  // ..w..........en..?ame n
        assertThatThrownBy(() -> Runner.read(f)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("experiment file " + f + " is not a valid experiment: ");
    }

    /** Review for the fix above: bytes that are not UTF-8 are refused as such, naming the file. */
    @Test
    void bytesThatAreNotUtf8NameTheFile() throws IOException {
        Path f = dir.resolve("latin1.json");
        Files.write(f, "{\"experiment\" : \"pretrain\", \"name\" : \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Runner.read(f)).isInstanceOf(IOException.class)
                .hasMessage("experiment file " + f + ": not UTF-8 text");
    }

    /** Review for the fix above: strict decoding keeps UTF-8 text that is not ASCII (a name with an accent). */
    @Test
    void utf8TextThatIsNotAsciiStillReads() throws IOException {
        Pretrain preset = Pretrain.cifarVit(Path.of("../shared"));
        Pretrain accented = new Pretrain("pr\u00e9-entra\u00eenement", preset.data(), preset.vit(), preset.normalization(), preset.recipe(),
                preset.trainImages(), preset.testImages(), preset.evalBatch(), preset.checkpointEvery(), preset.seed(), preset.weights());
        Path f = dir.resolve("accented.json");
        Files.write(f, ResultFiles.JSON.writeValueAsBytes(accented));
        assertThat(Runner.read(f)).isEqualTo(accented);
    }

    /** Review: the whole file is read before parsing, so a file far larger than any experiment is refused by its size. */
    @Test
    void filesTooLargeToBeExperimentsAreNotRead() throws IOException {
        Path f = dir.resolve("big.json");
        Files.write(f, new byte[Runner.MAX_EXPERIMENT_BYTES + 1]);
        assertThatThrownBy(() -> Runner.read(f)).isInstanceOf(IOException.class)
                .hasMessage("experiment file " + f + ": " + (Runner.MAX_EXPERIMENT_BYTES + 1) + " bytes is too large (at most "
                        + Runner.MAX_EXPERIMENT_BYTES + ")");
    }
}
