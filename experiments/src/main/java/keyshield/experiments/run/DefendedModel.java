package keyshield.experiments.run;

import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained model as it is deployed, for evaluation: f_K(x) = g(norm(t_K(x))) with the ViT g of a weight
 * file (for LoRA fine-tunes, the merged file {@link KeyedFinetuneRun} writes), its normalization, and the
 * key K, or g(norm(x)) with {@link KeySource.None}.
 *
 * @param label   the model's name in tables and plots, e.g. {@code "key M=4 lora"}
 * @param weights the weight file, its head count and normalization
 * @param key     where K comes from, or {@link KeySource.None}
 */
public record DefendedModel(String label, BaseModel weights, KeySource key) {
    public DefendedModel {
        if (label == null || label.isBlank()) throw new IllegalArgumentException("defended model: label must be given");
        Objects.requireNonNull(weights, "defended model " + label + ": weights");
        Objects.requireNonNull(key, "defended model " + label + ": key (use {\"source\": \"none\"} for the plain model)");
    }

    /** The plain model of a weight file: no key. */
    public static DefendedModel plain(String label, BaseModel weights) { return new DefendedModel(label, weights, new KeySource.None()); }

    /** Loads the model for the images of {@code data} (the key must fit them), in eval mode. */
    public KeyedModel load(Dataset data) throws IOException {
        Optional<SecretKey> k = key.resolve(data);
        return KeyedModel.deployed(weights, k);
    }

    /** The key's fingerprint, or empty without a key (reads a key file). */
    public Optional<String> fingerprint(Dataset data) throws IOException { return key.resolve(data).map(SecretKey::fingerprint); }

    /** Throws a {@link java.io.FileNotFoundException} naming the weight or key file that is missing. */
    public void requireAvailable() throws IOException {
        weights.requireAvailable();
        key.requireAvailable();
    }
}
