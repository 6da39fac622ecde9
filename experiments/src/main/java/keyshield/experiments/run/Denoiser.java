package keyshield.experiments.run;

import keyshield.defense.wavelet.DenoiseOptions;
import keyshield.defense.wavelet.DenoiseTransform;

import java.util.Objects;

/**
 * One input denoiser of the {@link WaveletDefense} experiment, under the short name its network, stages
 * and table columns are known by: {@code haar} names the Haar-denoising defense, the network trained on
 * Haar-denoised images ({@code haar-trained}) and the column {@code standard + haar}.
 *
 * @param name    short and file-name safe (letters, digits, '-', '.'), e.g. {@code haar}, {@code db2}
 * @param options the settings of {@link keyshield.defense.wavelet.WaveletDenoise} (scikit-image's {@code denoise_wavelet})
 */
public record Denoiser(String name, DenoiseOptions options) {
    public Denoiser {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("Denoiser: name must be given");
        if (!name.matches("[A-Za-z0-9.-]+"))
            throw new IllegalArgumentException("Denoiser: name must be letters, digits, '-' and '.' (it names files and columns) but is '" + name + "'");
        Objects.requireNonNull(options, "Denoiser " + name + ": options");
    }

    /** BayesShrink with soft thresholding, σ estimated per channel, scikit-image's default levels: {@code denoise_wavelet}'s defaults. */
    public static Denoiser bayesSoft(String name, keyshield.defense.wavelet.Wavelet wavelet) {
        return new Denoiser(name, DenoiseOptions.bayesSoft(wavelet));
    }

    /** The defense's preprocessing: clip(denoise(x), 0, 1), with the BPDA (identity) backward pass. */
    public DenoiseTransform transform() { return new DenoiseTransform(options); }

    /** The network trained on images denoised by this denoiser. */
    public String networkName() { return name + "-trained"; }
}
