package keyshield.experiments.cli;

import keyshield.defense.wavelet.DenoiseOptions;
import keyshield.defense.wavelet.DenoiseTransform;
import keyshield.defense.wavelet.ShrinkMethod;
import keyshield.defense.wavelet.Threshold;
import keyshield.defense.wavelet.Wavelet;
import keyshield.defense.wavelet.WaveletDenoise;
import keyshield.tensor.Arrays64;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield denoise`: the library's denoising defense on an .npz file, lowercase enum options and clear errors. */
class DenoiseCommandTest {
    @TempDir Path dir;
    final StringWriter out = new StringWriter(), err = new StringWriter();
    Path input;
    INDArray x;

    /** The CLI with the denoise and dwt commands, whether or not the top-level class registers them yet. */
    static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine cli = KeyshieldCli.commandLine();
        if (!cli.getSubcommands().containsKey("denoise")) cli.addSubcommand(new DenoiseCommand());
        if (!cli.getSubcommands().containsKey("dwt")) cli.addSubcommand(new DwtCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli;
    }

    int run(String... args) { return cli(out, err).execute(args); }

    @BeforeEach
    void files() throws Exception {
        input = dir.resolve("in.npz");
        x = Arrays64.random(3, 0.0, 1.0, 2, 3, 16, 12);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", x);
        in.put("y", Nd4j.createFromArray(4, 7));
        Npz.write(input, in);
    }

    @Test
    void denoisesLikeTheLibraryDefenseAndCopiesTheLabels() throws Exception {
        Path o = dir.resolve("o.npz");
        assertThat(run("denoise", "--wavelet", "db2", "--method", "visu", "--mode", "hard", "--sigma", "0.1",
                "--input", input.toString(), "--out", o.toString())).isZero();
        Map<String, INDArray> result = Npz.read(o);
        assertThat(result.keySet()).containsExactly("x", "y");
        INDArray expected = new DenoiseTransform(DenoiseOptions.visuHard(Wavelet.DB2, 0.1)).apply(x);
        assertThat(result.get("x")).isEqualTo(expected);
        assertThat(result.get("x")).isNotEqualTo(x);
        assertThat(result.get("y")).isEqualTo(Nd4j.createFromArray(4, 7));
        assertThat(out.toString()).contains("(2, 3, 16, 12)").contains("db2, visu hard, sigma 0.1").contains("PSNR").contains("dB");
    }

    @Test
    void defaultsAreScikitImagesAndNoClipWritesTheRawOutput() throws Exception {
        Path o = dir.resolve("o.npz");
        assertThat(run("denoise", "--no-clip", "--levels", "2", "--input", input.toString(), "--out", o.toString())).isZero();
        DenoiseOptions haarBayes = new DenoiseOptions(Wavelet.HAAR, ShrinkMethod.BAYES, Threshold.SOFT,
                OptionalDouble.empty(), OptionalInt.of(2), true);
        assertThat(Npz.read(o).get("x")).isEqualTo(WaveletDenoise.denoise(x, haarBayes));
    }

    @Test
    void unknownNamesListTheValidOnes() {
        assertThat(run("denoise", "--wavelet", "sym4", "--input", input.toString(), "--out", dir.resolve("o.npz").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'sym4' is not one of haar, db1, db2, db3, db4, db5, db6, db7, db8");
        assertThat(run("denoise", "--method", "sure", "--input", input.toString(), "--out", dir.resolve("o.npz").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'sure' is not one of bayes, visu");
    }

    @Test
    void badInputsAreRejectedNamingTheFile() throws Exception {
        Path big = dir.resolve("big.npz"), o = dir.resolve("o.npz");
        Npz.write(big, Map.of("x", x.mul(3)));
        assertThat(run("denoise", "--input", big.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(big.toString()).contains("must lie in [0, 1]");
        assertThat(run("denoise", "--no-clip", "--input", big.toString(), "--out", o.toString())).isEqualTo(2);   // the raw path checks too
        assertThat(run("denoise", "--sigma", "-1", "--input", input.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("sigma must be a finite value >= 0 but is -1.0");
        Path noX = dir.resolve("nox.npz");
        Npz.write(noX, Map.of("images", x));
        assertThat(run("denoise", "--input", noX.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no array named 'x'").contains("images");
        assertThat(o).doesNotExist();
    }
}
