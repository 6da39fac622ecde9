package keyshield.experiments.cli;

import keyshield.defense.wavelet.BoundaryMode;
import keyshield.defense.wavelet.Dwt2;
import keyshield.defense.wavelet.Planes;
import keyshield.defense.wavelet.Wavelet;
import keyshield.tensor.Arrays64;
import keyshield.tensor.Golden;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `keyshield dwt`: PyWavelets-named coefficient arrays that keep the leading (N, C) axes; golden values end to end. */
class DwtCommandTest {
    @TempDir Path dir;
    final StringWriter out = new StringWriter(), err = new StringWriter();

    int run(String... args) { return DenoiseCommandTest.cli(out, err).execute(args); }

    @Test
    void batchAndChannelAxesAreKeptAndEachPlaneIsItsOwnDecomposition() throws Exception {
        INDArray x = Arrays64.random(9, 0.0, 1.0, 2, 3, 16, 11);
        Path in = dir.resolve("in.npz"), o = dir.resolve("o.npz");
        Npz.write(in, Map.of("x", x));
        assertThat(run("dwt", "--wavelet", "db2", "--level", "2", "--mode", "periodization", "--input", in.toString(), "--out", o.toString())).isZero();
        Map<String, INDArray> c = Npz.read(o);
        assertThat(c.keySet()).containsExactly("cA2", "cH2", "cV2", "cD2", "cH1", "cV1", "cD1");
        assertThat(c.get("cA2").shape()).containsExactly(2, 3, 4, 3);
        assertThat(c.get("cD1").shape()).containsExactly(2, 3, 8, 6);
        Dwt2.Decomposition plane = Dwt2.wavedec2(Planes.of(x.get(NDArrayIndex.point(1), NDArrayIndex.point(2))), Wavelet.DB2, BoundaryMode.PERIODIZATION, 2);
        assertThat(Planes.of(c.get("cV1").get(NDArrayIndex.point(1), NDArrayIndex.point(2)))).isDeepEqualTo(plane.level(1).vertical());
        assertThat(Planes.of(c.get("cA2").get(NDArrayIndex.point(1), NDArrayIndex.point(2)))).isDeepEqualTo(plane.approx());
        assertThat(out.toString()).contains("cA2 (2, 3, 4, 3)");
    }

    @Test
    void matchesPyWaveletsOnTheGoldenImage() throws Exception {
        Map<String, INDArray> golden = Npz.read(Golden.file("dwt_golden.npz"));
        INDArray channel0 = golden.get("img").get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)).dup('c');   // (H, W)
        Path in = dir.resolve("img.npz");
        Npz.write(in, Map.of("x", channel0));
        for (String wavelet : new String[] {"haar", "db2", "db4"})
            for (String mode : new String[] {"symmetric", "periodization"}) {
                Path o = dir.resolve(wavelet + mode + ".npz");
                assertThat(run("dwt", "--wavelet", wavelet, "--level", "2", "--mode", mode, "--input", in.toString(), "--out", o.toString())).isZero();
                Map<String, INDArray> c = Npz.read(o);
                for (String name : c.keySet()) {
                    INDArray expected = golden.get(wavelet + "_" + mode + "_" + name);
                    assertThat(c.get(name).shape()).as(wavelet + " " + mode + " " + name).isEqualTo(expected.shape());
                    assertThat(c.get(name).sub(expected).amaxNumber().doubleValue()).as(wavelet + " " + mode + " " + name).isLessThan(1e-10);
                }
            }
    }

    @Test
    void badLevelsAndShapesAreRefused() throws Exception {
        Path in = dir.resolve("in.npz"), o = dir.resolve("o.npz");
        Npz.write(in, Map.of("x", Arrays64.random(1, 0.0, 1.0, 8)));
        assertThat(run("dwt", "--level", "1", "--input", in.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("x must be a float array (H, W), (C, H, W) or (N, C, H, W)").contains("(8)");
        Npz.write(in, Map.of("x", Arrays64.random(1, 0.0, 1.0, 8, 8)));
        assertThat(run("dwt", "--level", "0", "--input", in.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--level must be >= 1 but is 0");
        assertThat(run("dwt", "--level", "1", "--mode", "zero", "--input", in.toString(), "--out", o.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("'zero' is not one of symmetric, periodization");
        assertThat(o).doesNotExist();
        assertThat(run("dwt", "--wavelet", "db8", "--level", "2", "--input", in.toString(), "--out", o.toString())).isZero();
        assertThat(err.toString()).contains("level 2 is above the maximum useful level 0");
    }
}
