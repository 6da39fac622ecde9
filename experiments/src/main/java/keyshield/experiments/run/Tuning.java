package keyshield.experiments.run;

/** How a pre-trained model is fine-tuned on keyed images (paper §III-D): every weight, or LoRA adapters. */
public enum Tuning {
    /** All parameters trainable. */
    FULL,
    /** The base frozen; rank-r adapters (and the modules to save, e.g. the head) trained. */
    LORA;

    /** The word used in table rows: "full" or "lora". */
    public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
}
