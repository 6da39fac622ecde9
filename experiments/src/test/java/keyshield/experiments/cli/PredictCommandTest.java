package keyshield.experiments.cli;

import keyshield.tensor.Golden;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield predict` reproduces the golden timm numbers from the command line, for every weight format. */
class PredictCommandTest {
    @TempDir Path dir;

    static double rel(INDArray a, INDArray b) {
        INDArray x = a.castTo(DataType.DOUBLE), y = b.castTo(DataType.DOUBLE);
        return x.sub(y).norm2Number().doubleValue() / y.norm2Number().doubleValue();
    }

    @ParameterizedTest
    @CsvSource({"vit_micro.safetensors, float32, 1e-4, 1e-3", "vit_micro.safetensors, float64, 1e-9, 1e-7",
                "vit_micro.onnx, float32, 1e-4, 1e-3", "vit_micro_folded.onnx, float64, 1e-9, 1e-7"})
    void reproducesTheGoldenNumbers(String model, String dtype, double logitsTol, double gradTol) throws Exception {
        Path out = dir.resolve("out.npz");
        int code = KeyshieldCli.commandLine().execute("predict", "--model", Golden.file(model).toString(), "--heads", "3",
                "--input", Golden.file("vit_micro_golden.npz").toString(), "--out", out.toString(), "--dtype", dtype);
        assertThat(code).isZero();
        Map<String, INDArray> g = Npz.read(Golden.file("vit_micro_golden.npz")), o = Npz.read(out);
        assertThat(o.keySet()).containsExactly("logits", "loss", "grad_x");
        assertThat(rel(o.get("logits"), g.get("logits"))).isLessThan(logitsTol);
        assertThat(Math.abs(o.get("loss").getDouble(0) - g.get("loss").getDouble(0))).isLessThan(logitsTol);
        assertThat(rel(o.get("grad_x"), g.get("grad_x"))).isLessThan(gradTol);
    }

    @ParameterizedTest
    @CsvSource({"5, float32, not divisible by 5 heads", "3, float16, float16", "-, float32, number of heads cannot be read"})
    void badArgumentsFailWithAMessage(String heads, String dtype, String message) throws Exception {
        var err = new java.io.StringWriter();
        var cli = KeyshieldCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        var args = new java.util.ArrayList<>(java.util.List.of("predict", "--model", Golden.file("vit_micro.safetensors").toString(),
                "--input", Golden.file("vit_micro_golden.npz").toString(), "--out", dir.resolve("o.npz").toString(), "--dtype", dtype));
        if (!heads.equals("-")) args.addAll(java.util.List.of("--heads", heads));
        int code = cli.execute(args.toArray(String[]::new));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(message);
        assertThat(dir.resolve("o.npz")).doesNotExist();
    }
}
