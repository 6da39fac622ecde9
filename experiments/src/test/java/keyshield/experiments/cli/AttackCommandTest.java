package keyshield.experiments.cli;

import keyshield.tensor.Golden;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield attack` from the command line reproduces the golden PGD and respects every budget. */
class AttackCommandTest {
    @TempDir Path dir;

    @Test
    void goldenPgdFromTheCommandLine() throws Exception {
        Path out = dir.resolve("adv.npz");
        int code = KeyshieldCli.commandLine().execute("attack", "--model", Golden.file("vit_micro.safetensors").toString(), "--heads", "3",
                "--attack", "pgd", "--norm", "linf", "--eps", "8/255", "--steps", "10", "--step-size", "2/255", "--random-start", "false",
                "--loss", "ce-sum", "--input", Golden.file("vit_micro_golden.npz").toString(), "--out", out.toString());
        assertThat(code).isZero();
        Map<String, INDArray> g = Npz.read(Golden.file("vit_micro_golden.npz")), o = Npz.read(out);
        INDArray diff = Transforms.abs(o.get("x_adv").castTo(DataType.DOUBLE).sub(g.get("pgd_x").castTo(DataType.DOUBLE)), false);
        assertThat(diff.lte(1e-5).castTo(DataType.DOUBLE).meanNumber().doubleValue()).isGreaterThanOrEqualTo(0.99);
        INDArray ref = g.get("pgd_logits").castTo(DataType.DOUBLE);
        assertThat(o.get("logits_adv").castTo(DataType.DOUBLE).sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue()).isLessThan(1e-3);
    }

    @Test
    void deepFoolAndFgsmStayInTheirBudgets() throws Exception {
        for (String[] a : new String[][] {{"deepfool", "l2", "0.5"}, {"fgsm", "linf", "4/255"}}) {
            Path out = dir.resolve(a[0] + ".npz");
            assertThat(KeyshieldCli.commandLine().execute("attack", "--model", Golden.file("vit_micro.onnx").toString(), "--attack", a[0],
                    "--norm", a[1], "--eps", a[2], "--input", Golden.file("vit_micro_golden.npz").toString(), "--out", out.toString())).isZero();
            INDArray x = Npz.read(Golden.file("vit_micro_golden.npz")).get("x").castTo(DataType.FLOAT), adv = Npz.read(out).get("x_adv");
            INDArray d = adv.sub(x).reshape(x.size(0), -1);
            double eps = keyshield.attacks.ThreatModel.parseAmount(a[2]);
            double worst = a[1].equals("l2") ? d.norm2(1).maxNumber().doubleValue() : Transforms.abs(d, false).maxNumber().doubleValue();
            assertThat(worst).as(a[0]).isLessThanOrEqualTo(eps + 1e-6);
            assertThat(adv.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
            assertThat(adv.maxNumber().doubleValue()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void unknownAttacksAreRefused() {
        var err = new java.io.StringWriter();
        var cli = KeyshieldCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        assertThat(cli.execute("attack", "--model", "m.onnx", "--attack", "cw", "--eps", "1", "--input", "a", "--out", "b")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown attack 'cw'");
    }
}
