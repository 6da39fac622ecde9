package keyshield.lora;

import keyshield.tensor.Parameter;

import java.util.LinkedHashMap;

/**
 * A wrapped layer with a low-rank update: W' = W + (α/r)·ΔW with ΔW = B·A (or B∘A for a convolution).
 * While un-merged the update is a separate path of the forward pass; {@link #merge()} folds it into the
 * base weight (one matmul for inference) and deactivates the path, {@link #unmerge()} subtracts it again.
 */
public interface LoraLayer {
    /** The adapter's parameters (A and B), by name relative to this layer, e.g. {@code lora_A.default.weight}. */
    LinkedHashMap<String, Parameter> adapterParameters();

    /** The base parameters this layer re-registers as its own ({@code weight}, {@code bias}): same storage. */
    LinkedHashMap<String, Parameter> baseParameters();

    /** W += scaling·ΔW; afterwards the forward is the base layer alone. Refuses a non-finite A or B. */
    void merge();

    /**
     * The exact inverse of {@link #merge()}: W is restored bit for bit from a copy taken when merging (so a
     * merged layer holds its base weight twice). Subtracting scaling·ΔW, as peft does, would leave rounding
     * errors of the size of ulp(W + scaling·ΔW), large when the update is large against W.
     */
    void unmerge();

    boolean merged();

    /** Throws naming {@code layerName} and the tensor when A or B holds NaN or ±Inf. */
    default void requireFinite(String layerName) {
        adapterParameters().forEach((n, p) -> {
            if (p.data().isNaN().any() || p.data().isInfinite().any())
                throw new IllegalStateException("cannot merge LoRA layer '" + layerName + "': " + n + " contains NaN or Inf");
        });
    }
}
