package keyshield.experiments.cli;

import keyshield.defense.BlockShuffle;
import keyshield.defense.KeyFile;
import keyshield.defense.PixelOrder;
import keyshield.defense.SecretKey;
import keyshield.tensor.Arrays64;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield shuffle`: the library's shuffle on an .npz file, its inverse, and clear errors. */
class ShuffleCommandTest {
    @TempDir Path dir;
    final StringWriter out = new StringWriter(), err = new StringWriter();
    final SecretKey key = SecretKey.fromSeed(7, 4, 3);
    Path keyFile, input;
    INDArray x;

    int run(String... args) { return KeyCommandTest.cli(out, err).execute(args); }

    @BeforeEach
    void files() throws Exception {
        keyFile = dir.resolve("k.key");
        KeyFile.write(keyFile, key);
        input = dir.resolve("in.npz");
        x = Arrays64.random(3, 0.0, 1.0, 2, 3, 8, 12);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", x);
        in.put("y", Nd4j.createFromArray(1, 2));
        Npz.write(input, in);
    }

    @Test
    void shufflesLikeTheLibraryAndTheInverseRestoresTheInput() throws Exception {
        Path shuffled = dir.resolve("s.npz"), restored = dir.resolve("r.npz");
        assertThat(run("shuffle", "--key", keyFile.toString(), "--input", input.toString(), "--out", shuffled.toString())).isZero();
        Map<String, INDArray> s = Npz.read(shuffled);
        assertThat(s.keySet()).containsExactly("x", "y");
        assertThat(s.get("x")).isEqualTo(new BlockShuffle(key, PixelOrder.HWC).apply(x));
        assertThat(s.get("x")).isNotEqualTo(x);
        assertThat(s.get("y")).isEqualTo(Nd4j.createFromArray(1, 2));
        assertThat(out.toString()).contains(key.fingerprint()).contains("(2, 3, 8, 12)");

        assertThat(run("shuffle", "--key", keyFile.toString(), "--input", shuffled.toString(), "--out", restored.toString(), "--inverse")).isZero();
        assertThat(Npz.read(restored).get("x")).isEqualTo(x);
    }

    @Test
    void aKeyThatDoesNotFitTheImagesIsRejectedNamingTheKeyFile() throws Exception {
        Path big = dir.resolve("big.key");
        KeyFile.write(big, SecretKey.fromSeed(7, 16, 3));
        Path o = dir.resolve("o.npz");
        assertThat(run("shuffle", "--key", big.toString(), "--input", input.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("key file " + big).contains("block size 16").contains("height 8");
        assertThat(o).doesNotExist();
    }

    @Test
    void anInputWithoutXIsRejected() throws Exception {
        Path noX = dir.resolve("nox.npz");
        Npz.write(noX, Map.of("images", x));
        assertThat(run("shuffle", "--key", keyFile.toString(), "--input", noX.toString(), "--out", dir.resolve("o.npz").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no array named 'x'").contains("images");
    }
}
