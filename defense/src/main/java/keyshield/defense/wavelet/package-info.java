/**
 * Wavelet denoising, the second defense family: reconstruct the input from thresholded discrete wavelet
 * coefficients before classification, so that small (adversarial) noise, which spreads over many small
 * detail coefficients, is removed while edges, carried by few large ones, survive.
 *
 * <p>Reading order:
 * <ol>
 *   <li>{@link keyshield.defense.wavelet.Wavelet}: Haar and Daubechies db1–db8 filter banks (PyWavelets' tables).</li>
 *   <li>{@link keyshield.defense.wavelet.BoundaryMode}: symmetric and periodization extension, the 1-D analysis and
 *       synthesis steps with PyWavelets' lengths and phase.</li>
 *   <li>{@link keyshield.defense.wavelet.Dwt2}: {@code dwt2}/{@code idwt2}/{@code wavedec2}/{@code waverec2} on
 *       {@code double[rows][cols]} planes, coefficient order [cA_n, (cH_n, cV_n, cD_n), …, (cH_1, cV_1, cD_1)].</li>
 *   <li>{@link keyshield.defense.wavelet.WaveletDenoise} with {@link keyshield.defense.wavelet.DenoiseOptions},
 *       {@link keyshield.defense.wavelet.ShrinkMethod} and {@link keyshield.defense.wavelet.Threshold}:
 *       scikit-image 0.19's {@code denoise_wavelet} and {@code estimate_sigma}.</li>
 *   <li>{@link keyshield.defense.wavelet.ImageMetrics}: MSE and PSNR for choosing settings that keep images visually equal.</li>
 *   <li>{@link keyshield.defense.wavelet.DenoiseTransform}: the defense in front of a classifier, with its BPDA
 *       (identity-backward) approximation for adaptive attacks.</li>
 * </ol>
 *
 * <p>Conventions: images are channel-first, (C, H, W) or (B, C, H, W), values in [0, 1]; each channel plane is
 * transformed on its own in float64 (scikit-image's {@code channel_axis=-1} loop over an (H, W, C) image).
 * Agreement with PyWavelets 1.1.1 / scikit-image 0.19.3 is tested on a golden fixture: coefficients and
 * reconstructions within 1e-15, denoised images within 2e-15, σ estimates bit for bit.
 */
package keyshield.defense.wavelet;
