package keyshield.defense.wavelet;

import keyshield.tensor.Arrays64;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Thresholds, options, the integer path of rescale_sigma, the metrics and the BPDA defense. */
class DenoiseTest {
    @Test
    void thresholdsFollowPyWaveletsAtTheBoundary() {
        assertThat(Threshold.SOFT.apply(0.5, 0.5)).isEqualTo(0.0);
        assertThat(Threshold.SOFT.apply(-0.75, 0.5)).isEqualTo(-0.25);
        assertThat(Threshold.SOFT.apply(2.0, 0.5)).isEqualTo(1.5);
        assertThat(Threshold.HARD.apply(0.5, 0.5)).isEqualTo(0.5);           // PyWavelets keeps |x| = t
        assertThat(Threshold.HARD.apply(-0.49, 0.5)).isEqualTo(0.0);
        assertThat(Threshold.HARD.apply(-2.0, 0.5)).isEqualTo(-2.0);
        assertThatThrownBy(() -> Threshold.SOFT.apply(new double[1][1], Double.NaN)).hasMessageContaining("threshold must be >= 0");
    }

    @Test
    void sigmaIsTheMedianOfNonZeroMagnitudesOverTheNormalQuartile() {
        double[][] d = {{0, -3, 1}, {2, 0, -4}};                               // non-zero |d|: 1 2 3 4 → median 2.5
        assertThat(WaveletDenoise.sigmaFromDetail(d)).isCloseTo(2.5 / 0.6744897501960817, within(1e-15));
        assertThat(WaveletDenoise.sigmaFromDetail(new double[3][3])).isEqualTo(0.0);
        assertThat(WaveletDenoise.bayesThreshold(new double[][] {{3, -3}}, 1)).isCloseTo(1 / Math.sqrt(8), within(1e-15));
        assertThat(WaveletDenoise.bayesThreshold(new double[][] {{0.1}}, 1)).isCloseTo(1 / Math.sqrt(Math.ulp(1.0)), within(1.0));
        assertThat(WaveletDenoise.universalThreshold(0.1, 1024)).isCloseTo(0.1 * Math.sqrt(2 * Math.log(1024)), within(1e-15));
    }

    @Test
    void defaultLevelsAreMaxLevelMinusThreeAtLeastOne() {
        assertThat(DenoiseOptions.bayesSoft(Wavelet.HAAR).levelsFor(32, 32)).isEqualTo(2);
        assertThat(DenoiseOptions.bayesSoft(Wavelet.DB2).levelsFor(32, 32)).isEqualTo(1);
        assertThat(DenoiseOptions.bayesSoft(Wavelet.HAAR).levelsFor(224, 32)).isEqualTo(2);   // the smaller axis decides
        assertThat(DenoiseOptions.bayesSoft(Wavelet.HAAR).withLevels(4).levelsFor(32, 32)).isEqualTo(4);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> DenoiseOptions.visuHard(Wavelet.DB2, -0.1)).hasMessageContaining("sigma must be a finite value >= 0 but is -0.1");
        assertThatThrownBy(() -> DenoiseOptions.bayesSoft(Wavelet.DB2).withLevels(0)).hasMessageContaining("levels must be >= 1 but is 0");
        assertThatThrownBy(() -> new DenoiseOptions(null, ShrinkMethod.BAYES, Threshold.SOFT, OptionalDouble.empty(), OptionalInt.empty(), true))
                .hasMessageContaining("wavelet");
    }

    @Test
    void rescaleSigmaScalesAGivenSigmaWithAnIntegerImage() {
        INDArray bytes = Nd4j.createFromArray(new int[3 * 16 * 16]).reshape(3, 16, 16).castTo(DataType.DOUBLE);
        INDArray u = Arrays64.random(5, 20.0, 200.0, 3, 16, 16);
        bytes.assign(Nd4j.math().floor(u));                                  // integer values in [20, 199]
        DenoiseOptions o = DenoiseOptions.visuHard(Wavelet.DB2, 12.75);
        INDArray viaInteger = WaveletDenoise.denoiseInteger(bytes, 255, o);
        INDArray scaled = bytes.mul(1.0 / 255);
        double range = bytes.maxNumber().doubleValue() - bytes.minNumber().doubleValue();
        INDArray expected = WaveletDenoise.denoise(scaled, o.withSigma(12.75 * ((range / 255) / range)));
        expected = org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(expected, 0.0), 1.0);
        assertThat(viaInteger.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-15);
        INDArray unscaled = WaveletDenoise.denoiseInteger(bytes, 255,
                new DenoiseOptions(Wavelet.DB2, ShrinkMethod.VISU, Threshold.HARD, OptionalDouble.of(12.75), OptionalInt.empty(), false));
        assertThat(unscaled.sub(viaInteger).amaxNumber().doubleValue()).isGreaterThan(1e-3);   // σ = 12.75 on [0, 1] wipes the details
        assertThatThrownBy(() -> WaveletDenoise.denoiseInteger(bytes.add(100), 255, o)).hasMessageContaining("must lie in [0, 255.0] but span [120.0, 299.0]");
    }

    @Test
    void metricsFollowScikitImage() {
        INDArray a = Nd4j.createFromArray(0.0, 0.5, 1.0), b = Nd4j.createFromArray(0.1, 0.5, 0.8);
        assertThat(ImageMetrics.mse(a, b)).isCloseTo((0.01 + 0.04) / 3, within(1e-17));
        assertThat(ImageMetrics.psnr(a, b)).isCloseTo(10 * Math.log10(3 / 0.05), within(1e-12));
        assertThat(ImageMetrics.psnr(a.sub(0.5), b.sub(0.5))).isCloseTo(10 * Math.log10(4 * 3 / 0.05), within(1e-12));   // range 2
        assertThat(ImageMetrics.psnr(a, a)).isInfinite();
        assertThatThrownBy(() -> ImageMetrics.psnr(a.mul(3), b)).hasMessageContaining("outside the float image range");
        assertThatThrownBy(() -> ImageMetrics.mse(a, Nd4j.createFromArray(1.0))).hasMessageContaining("(3)").hasMessageContaining("(1)");
    }

    @Test
    void bpdaForwardIsTheDefenseAndBackwardIsTheIdentity() {
        DenoiseTransform t = new DenoiseTransform(DenoiseOptions.bayesSoft(Wavelet.DB2));
        INDArray x = Arrays64.random(11, 0.0, 1.0, 2, 3, 12, 12);
        Tensor v = Tensor.variable(x);
        Tensor y = t.bpda(v);
        assertThat(y.value()).isEqualTo(t.apply(x));
        assertThat(y.value()).isNotEqualTo(x);
        INDArray seed = Arrays64.random(12, 2, 3, 12, 12);
        y.backward(seed);
        assertThat(v.grad()).isEqualTo(seed);
        assertThat(t.asModule().forward(Tensor.constant(x)).value()).isEqualTo(t.apply(x));
        assertThat(t.describe()).contains("db2").contains("bayes soft").contains("estimated");
    }

    @Test
    void theDefenseRefusesInputsOutsideItsDomain() {
        DenoiseTransform t = new DenoiseTransform(DenoiseOptions.bayesSoft(Wavelet.HAAR));
        assertThatThrownBy(() -> t.apply(Arrays64.random(1, 0.0, 1.0, 3, 8, 8))).hasMessageContaining("rank 4").hasMessageContaining("(3, 8, 8)");
        assertThatThrownBy(() -> t.apply(Arrays64.random(1, 0.0, 2.0, 1, 3, 8, 8))).hasMessageContaining("must lie in [0, 1]");
        INDArray nan = Arrays64.random(1, 0.0, 1.0, 1, 3, 8, 8);
        nan.putScalar(new long[] {0, 1, 2, 3}, Double.NaN);
        assertThatThrownBy(() -> t.apply(nan)).hasMessageContaining("NaN");
        INDArray f32 = Arrays64.random(2, 0.0, 1.0, 1, 3, 8, 8).castTo(DataType.FLOAT);
        assertThat(t.apply(f32).dataType()).isEqualTo(DataType.FLOAT);
    }
}
