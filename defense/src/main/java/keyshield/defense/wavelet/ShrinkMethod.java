package keyshield.defense.wavelet;

/** How the wavelet denoiser picks its thresholds from the noise level σ (scikit-image's {@code method}). */
public enum ShrinkMethod {
    /**
     * BayesShrink (Chang, Yu and Vetterli 2000): one threshold per detail sub-band B,
     * t_B = σ² / √max(mean(B²) − σ², ε), i.e. σ² over the estimated signal standard deviation of the band.
     * Adapts to each band; scikit-image's default.
     */
    BAYES,
    /**
     * VisuShrink (Donoho and Johnstone 1994): one universal threshold t = σ·√(2·ln N) for every detail
     * coefficient, N the number of pixels of the plane. Removes Gaussian noise with high probability but
     * tends to over-smooth.
     */
    VISU
}
