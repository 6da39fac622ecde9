package keyshield.experiments.run;

/**
 * What a finished fine-tuning stage saves in its {@link RunDir}: enough to report it without the model.
 *
 * @param stage          the stage name
 * @param keyFingerprint the fingerprint of the key the images were transformed with (never the material)
 * @param steps          optimizer steps taken
 * @param finalLoss      the smoothed training loss after the last step
 * @param seconds        training seconds, over every invocation that contributed
 * @param trainable      trainable parameters (all of them for full fine-tuning; adapters and saved modules for LoRA)
 */
public record Finetuned(String stage, String keyFingerprint, long steps, double finalLoss, double seconds, long trainable) {}
