package keyshield.defense.wavelet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * scikit-image 0.19.3 on the golden 32×32×3 image: {@code denoise_wavelet(noisy, channel_axis=-1, ...)}
 * (BayesShrink soft with estimated σ; VisuShrink hard with σ = 0.05; rescale_sigma on) within 1e-6,
 * {@code estimate_sigma} per channel and PSNR/MSE of noisy vs clean within 1e-9 relative.
 */
class GoldenDenoiseTest {
    /** The golden (H, W, C) image as our (C, H, W). */
    static INDArray chw(String key) { return GoldenFile.get(key).permute(2, 0, 1).dup('c'); }       // (C, H, W)

    @ParameterizedTest
    @EnumSource(value = Wavelet.class, names = {"HAAR", "DB2", "DB4"})
    void bayesSoftMatchesScikitImage(Wavelet w) {
        INDArray out = WaveletDenoise.denoise(chw("noisy"), DenoiseOptions.bayesSoft(w));
        double diff = maxAbsDiff(out, chw(w.pywtName() + "_denoise_bayes_soft"));
        System.out.printf("golden denoise bayes soft %s: max |diff| %.3g%n", w, diff);
        assertThat(diff).isLessThanOrEqualTo(1e-6);
    }

    @ParameterizedTest
    @EnumSource(value = Wavelet.class, names = {"HAAR", "DB2", "DB4"})
    void visuHardWithSigmaMatchesScikitImage(Wavelet w) {
        INDArray out = WaveletDenoise.denoise(chw("noisy"), DenoiseOptions.visuHard(w, 0.05));
        double diff = maxAbsDiff(out, chw(w.pywtName() + "_denoise_visu_hard_sigma005"));
        System.out.printf("golden denoise visu hard %s: max |diff| %.3g%n", w, diff);
        assertThat(diff).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void estimateSigmaMatchesPerChannel() {
        double[] expected = GoldenFile.get("sigma_est").toDoubleVector();
        double[] actual = WaveletDenoise.estimateSigma(chw("noisy"));
        assertThat(actual).hasSize(3);
        for (int c = 0; c < 3; c++) {
            System.out.printf("golden sigma %d: %.17g vs %.17g%n", c, actual[c], expected[c]);
            assertThat(actual[c]).isCloseTo(expected[c], within(1e-9 * Math.abs(expected[c])));
        }
    }

    @Test
    void psnrAndMseMatch() {
        double mse = ImageMetrics.mse(chw("img"), chw("noisy")), psnr = ImageMetrics.psnr(chw("img"), chw("noisy"));
        double eMse = GoldenFile.get("mse_img_noisy").getDouble(0), ePsnr = GoldenFile.get("psnr_img_noisy").getDouble(0);
        System.out.printf("golden mse %.17g vs %.17g, psnr %.17g vs %.17g%n", mse, eMse, psnr, ePsnr);
        assertThat(mse).isCloseTo(eMse, within(1e-9 * eMse));
        assertThat(psnr).isCloseTo(ePsnr, within(1e-9 * ePsnr));
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sub(b).amaxNumber().doubleValue();
    }
}
