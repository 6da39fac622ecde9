package keyshield.experiments.demo;

import com.fasterxml.jackson.databind.JsonNode;
import keyshield.experiments.cli.KeyshieldCli;
import keyshield.experiments.report.ResultFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main job end to end at toy size on a synthetic Fashion-MNIST-shaped data set (class k is a bright
 * square at a class-dependent place): every model of the Table-I grid is trained, attacked and reported,
 * and the numbers obey the invariants the table must satisfy.
 */
class DemoTest {
    @TempDir Path dir;

    @Test
    void tinyDemoProducesTheWholeTable() throws Exception {
        writeSplit("train", 512);
        writeSplit("t10k", 128);
        Path json = dir.resolve("demo.json");
        int code = KeyshieldCli.commandLine().execute("demo", "--tiny", "--data", dir.toString(), "--out", json.toString());
        assertThat(code).isZero();
        JsonNode r = ResultFiles.JSON.readTree(json.toFile());
        assertThat(r.path("rows")).hasSize(5);
        assertThat(r.path("rows").findValuesAsText("model")).containsExactly("plain", "key M=4 full", "key M=4 lora", "key M=8 full", "key M=8 lora");
        for (JsonNode row : r.path("rows")) {
            double clean = row.path("clean").asDouble();
            assertThat(clean).isBetween(0.0, 100.0);
            assertThat(row.path("whitebox").asDouble()).as("white-box PGD (with random start) on " + row.path("model")).isBetween(0.0, 100.0);
        }
        JsonNode lora = r.path("rows").get(2), full = r.path("rows").get(1);
        assertThat(lora.path("trainable").asLong()).isLessThan(full.path("trainable").asLong());
        assertThat(r.path("provenance").path("keyFingerprints")).hasSize(2);
        assertThat(Files.readString(json)).doesNotContain("material");
    }

    /** IDX files of n 28×28 images whose label decides where a bright 8×8 square sits. */
    private void writeSplit(String prefix, int n) throws IOException {
        try (var img = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))));
             var lab = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
            img.writeInt(0x00000803); img.writeInt(n); img.writeInt(28); img.writeInt(28);
            lab.writeInt(0x00000801); lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                int label = i % 10, r0 = (label / 4) * 9, c0 = (label % 4) * 6;
                byte[] px = new byte[28 * 28];
                for (int r = r0; r < r0 + 8; r++) for (int c = c0; c < c0 + 8; c++) px[r * 28 + c] = (byte) 220;
                img.write(px);
                lab.writeByte(label);
            }
        }
    }
}
