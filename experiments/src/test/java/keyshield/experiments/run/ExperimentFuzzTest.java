package keyshield.experiments.run;

import keyshield.experiments.report.ResultFiles;
import keyshield.tensor.fuzz.ParserContract;
import keyshield.tensor.fuzz.ParserFuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the experiment-file reader ({@link Runner#read}): any bytes give a validated experiment record
 * or an IOException naming the file (malformed JSON, an unknown kind, a missing or invalid field — the
 * records' own checks surface through Jackson), never an unchecked exception. A record that reads must
 * also write back and read again equal. Seeds ({@code ExperimentFuzzTestInputs/experiment/}) are every
 * preset, written with {@code ./keyshield table --preset NAME --print-experiment} and the other
 * subcommands' {@code --print-experiment}.
 */
class ExperimentFuzzTest {
    @ParserFuzzTest
    void experiment(byte[] bytes) throws Exception {
        ParserContract.holdsOnFile(bytes, "experiment.json", Runner::read, e -> {
            try {
                Path again = Files.createTempFile("experiment-again", ".json");
                try {
                    ResultFiles.writeJson(again, e);
                    assertThat(Runner.read(again)).isEqualTo(e);
                } finally {
                    Files.deleteIfExists(again);
                }
            } catch (IOException io) {
                throw new AssertionError("a record that was read could not be written and read back", io);
            }
        });
    }
}
