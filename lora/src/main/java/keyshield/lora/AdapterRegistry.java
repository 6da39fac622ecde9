package keyshield.lora;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Scope;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One frozen base model and N adapters, each belonging to one secret key, identified by the key's
 * fingerprint (this module never sees key material). Exactly one adapter is live at a time: its A, B and
 * kept-module tensors sit in the model's parameters. {@link #activate} switches in O(adapter size): the
 * live tensors are copied back to the outgoing key's store (so training done in place is kept) and the
 * incoming key's tensors are copied in; the base is never touched.
 *
 * <p>Keys never mix: an adapter file that records another key's fingerprint is refused, and
 * {@link #requireActive} / {@link #modelFor} make sure a key's inputs meet that key's adapter.
 */
public final class AdapterRegistry {
    private final LoraModel lora;
    private final LinkedHashMap<String, LinkedHashMap<String, INDArray>> stores = new LinkedHashMap<>();
    private String active;

    /** A registry over {@code lora}'s model; its current adapter tensors belong to no key until one is activated. */
    public AdapterRegistry(LoraModel lora) {
        if (lora.merged()) throw new IllegalStateException("adapter registry needs un-merged adapters (merged weights cannot be swapped)");
        this.lora = lora;
    }

    public LoraModel lora() { return lora; }

    /** Registers {@code state} (peft names, as {@link LoraModel#adapterState()}) for the key {@code fingerprint}. */
    public void add(String fingerprint, Map<String, INDArray> state) {
        requireFingerprint(fingerprint);
        if (stores.containsKey(fingerprint)) throw new IllegalArgumentException("key " + fingerprint + " already has an adapter; remove it first");
        LinkedHashMap<String, INDArray> checked = lora.checkState(state), store = new LinkedHashMap<>();
        LinkedHashMap<String, Parameter> live = lora.liveState();
        checked.forEach((k, v) -> store.put(k, Scope.outside(() -> v.castTo(live.get(k).dtype()).dup())));
        stores.put(fingerprint, store);
    }

    /**
     * Registers an adapter read from disk for {@code fingerprint}. Refused when the file records a different
     * key, or when its config (rank, alpha, targets, kept modules, qkv mode) differs from the registry's.
     */
    public void add(String fingerprint, AdapterFiles.Adapter adapter) {
        requireFingerprint(fingerprint);
        adapter.keyFingerprint().ifPresent(f -> {
            if (!f.equals(fingerprint))
                throw new IllegalArgumentException("the adapter belongs to key " + f + ", not to key " + fingerprint + "; refusing to mix keys");
        });
        LoraConfig a = adapter.config(), c = lora.config();
        if (a.r() != c.r() || a.alpha() != c.alpha() || !a.targetModules().equals(c.targetModules())
                || !a.modulesToSave().equals(c.modulesToSave()) || a.qkvMode() != c.qkvMode())
            throw new IllegalArgumentException("the adapter for key " + fingerprint + " has config " + a + " but the registry's model was adapted with " + c);
        add(fingerprint, adapter.tensors());
    }

    /** Writes key {@code fingerprint}'s adapter to {@code dir}, recording the fingerprint in its config. */
    public void save(String fingerprint, Path dir) throws IOException {
        activate(fingerprint);
        AdapterFiles.write(dir, lora, fingerprint);
    }

    /** Forgets key {@code fingerprint}'s adapter; when it was live, no adapter is active afterwards. */
    public void remove(String fingerprint) {
        require(fingerprint);
        stores.remove(fingerprint);
        if (fingerprint.equals(active)) active = null;
    }

    /** The registered keys' fingerprints, in order of registration. */
    public List<String> fingerprints() { return new ArrayList<>(stores.keySet()); }

    public Optional<String> active() { return Optional.ofNullable(active); }

    /** Makes key {@code fingerprint}'s adapter the live one (nothing to do when it already is). */
    public void activate(String fingerprint) {
        require(fingerprint);
        if (fingerprint.equals(active)) return;
        if (lora.merged()) throw new IllegalStateException("cannot switch adapters while they are merged; unmerge first");
        LinkedHashMap<String, Parameter> live = lora.liveState();
        try (var noGrad = GradMode.off()) {
            if (active != null) stores.get(active).forEach((k, stored) -> stored.assign(live.get(k).data()));
            stores.get(fingerprint).forEach((k, stored) -> live.get(k).data().assign(stored));
        }
        active = fingerprint;
    }

    /** The model with key {@code fingerprint}'s adapter live (switching if needed). */
    public VisionTransformer modelFor(String fingerprint) {
        activate(fingerprint);
        return lora.model();
    }

    /** Throws unless key {@code fingerprint}'s adapter is the live one. */
    public void requireActive(String fingerprint) {
        if (!fingerprint.equals(active))
            throw new IllegalStateException("the live adapter belongs to " + (active == null ? "no key" : "key " + active)
                    + ", not to key " + fingerprint + "; activate it first");
    }

    /** A copy of key {@code fingerprint}'s adapter state (the live values when it is active). */
    public LinkedHashMap<String, INDArray> state(String fingerprint) {
        require(fingerprint);
        if (fingerprint.equals(active)) return lora.adapterState();
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        stores.get(fingerprint).forEach((k, v) -> out.put(k, Scope.outside(v::dup)));
        return out;
    }

    private void require(String fingerprint) {
        if (!stores.containsKey(fingerprint))
            throw new IllegalArgumentException("no adapter for key " + fingerprint + "; registered keys: " + stores.keySet());
    }

    private static void requireFingerprint(String fingerprint) {
        if (fingerprint == null || fingerprint.isBlank()) throw new IllegalArgumentException("a key fingerprint must be a non-blank string");
    }
}
