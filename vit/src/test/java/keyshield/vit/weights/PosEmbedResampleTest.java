package keyshield.vit.weights;

import keyshield.tensor.io.Npz;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Matches PyTorch 1.13's bicubic F.interpolate, antialiased (timm's default) and classic (fixture: resources/golden/make_posembed_golden.py). */
class PosEmbedResampleTest {
    @ParameterizedTest
    @CsvSource({"7,5,ANTIALIAS,aa", "7,5,CLASSIC,classic", "2,3,ANTIALIAS,aa", "2,3,CLASSIC,classic",
                "4,4,ANTIALIAS,aa", "4,4,CLASSIC,classic", "8,8,ANTIALIAS,aa", "8,8,CLASSIC,classic"})
    void matchesPyTorch(int h, int w, PosEmbedResample.Bicubic kernel, String tag) throws Exception {
        Map<String, INDArray> g = Npz.read(Path.of(getClass().getResource("/golden/posembed_golden.npz").toURI()));
        INDArray ours = PosEmbedResample.resample(g.get("pe"), 1, 4, 4, h, w, kernel);
        INDArray ref = g.get("r_" + h + "x" + w + "_" + tag);
        assertThat(ours.shape()).isEqualTo(ref.shape());
        double err = ours.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
        assertThat(err).as("relative error vs PyTorch").isLessThan(1e-6);
        assertThat(ours.slice(0).slice(0)).as("class token kept").isEqualTo(g.get("pe").slice(0).slice(0));
    }
}
