package keyshield.lora;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A Vision Transformer carrying LoRA adapters ({@link Lora#apply}): the adapted model itself, its wrapped
 * layers, and the adapter state by name.
 *
 * <p>Names. Inside the model, parameters keep the model's names: {@code blocks.0.attn.qkv.weight} (frozen
 * base) and {@code blocks.0.attn.qkv.lora_A.default.weight} (adapter). The adapter state
 * ({@link #adapterState()}, files, the registry) uses peft's names: the prefix {@code base_model.model.}, and
 * for kept modules peft's copy {@code base_model.model.head.modules_to_save.default.weight}. Loading also
 * accepts the names peft's {@code save_pretrained} writes, without the adapter name
 * ({@code ….lora_A.weight}, {@code base_model.model.head.weight}).
 */
public final class LoraModel {
    /** peft's prefix of every name of a {@code PeftModel}'s state dict. */
    public static final String PREFIX = "base_model.model.";

    private final VisionTransformer model;
    private final LoraConfig config;
    private final LinkedHashMap<String, LoraLayer> layers;
    private final LinkedHashMap<String, Parameter> adapterParams = new LinkedHashMap<>(), savedParams;
    private final LinkedHashMap<String, String> savedModuleOf;

    LoraModel(VisionTransformer model, LoraConfig config, LinkedHashMap<String, LoraLayer> layers,
              LinkedHashMap<String, Parameter> savedParams, LinkedHashMap<String, String> savedModuleOf) {
        this.model = model;
        this.config = config;
        this.layers = layers;
        this.savedParams = savedParams;
        this.savedModuleOf = savedModuleOf;
        layers.forEach((name, l) -> l.adapterParameters().forEach((n, p) -> adapterParams.put(name + "." + n, p)));
    }

    public VisionTransformer model() { return model; }

    public LoraConfig config() { return config; }

    /** The wrapped layers by module name. */
    public Map<String, LoraLayer> layers() { return Collections.unmodifiableMap(layers); }

    /** A and B of every wrapped layer, by model name ({@code blocks.0.attn.qkv.lora_A.default.weight}). */
    public LinkedHashMap<String, Parameter> adapterParameters() { return new LinkedHashMap<>(adapterParams); }

    /** The parameters of the modules to save (e.g. {@code head.weight}), by model name. */
    public LinkedHashMap<String, Parameter> savedParameters() { return new LinkedHashMap<>(savedParams); }

    /** What training updates: adapter then kept-module parameters, by model name (for an optimizer). */
    public LinkedHashMap<String, Parameter> trainableParameters() {
        LinkedHashMap<String, Parameter> out = adapterParameters();
        out.putAll(savedParams);
        return out;
    }

    /** Number of adapter plus kept-module values. */
    public long trainableCount() { return trainableParameters().values().stream().mapToLong(Parameter::length).sum(); }

    /** peft's name of the model parameter {@code modelName} (adapter or kept module). */
    public String peftName(String modelName) {
        String module = savedModuleOf.get(modelName);
        if (module != null) return PREFIX + module + ".modules_to_save." + AdapterSlot.NAME + modelName.substring(module.length());
        if (adapterParams.containsKey(modelName)) return PREFIX + modelName;
        throw new IllegalArgumentException("'" + modelName + "' is neither an adapter parameter nor a parameter of a module to save");
    }

    /** The name peft's {@code save_pretrained} writes for {@code modelName}: without the adapter name. */
    String savedFileName(String modelName) {
        String module = savedModuleOf.get(modelName);
        if (module != null) return PREFIX + modelName;
        return PREFIX + modelName.replace("." + AdapterSlot.NAME + ".", ".");
    }

    /** A copy of the adapter state (A, B and kept modules), by peft name, outside every scope. */
    public LinkedHashMap<String, INDArray> adapterState() {
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        trainableParameters().forEach((n, p) -> out.put(peftName(n), Scope.outside(() -> p.data().dup())));
        return out;
    }

    /** The live parameters of the adapter state, by peft name (the storage the registry copies into). */
    LinkedHashMap<String, Parameter> liveState() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        trainableParameters().forEach((n, p) -> out.put(peftName(n), p));
        return out;
    }

    /**
     * Copies an adapter state into the live parameters. Names may be peft's in-model names or its
     * saved-file names; every adapter and kept-module tensor must be given, nothing else, with the right
     * shapes and finite values. Everything is checked before anything is copied.
     */
    public void loadAdapterState(Map<String, INDArray> state) {
        LinkedHashMap<String, INDArray> checked = checkState(state);
        LinkedHashMap<String, Parameter> live = liveState();
        try (var noGrad = GradMode.off()) {
            checked.forEach((k, v) -> live.get(k).data().assign(v.castTo(live.get(k).dtype())));
        }
    }

    /**
     * {@code state} validated against this model's adapter (complete, no extra names, matching shapes,
     * finite values), by peft in-model name; one exception lists every problem.
     */
    LinkedHashMap<String, INDArray> checkState(Map<String, INDArray> state) {
        LinkedHashMap<String, Parameter> byName = liveState();
        LinkedHashMap<String, String> canonical = new LinkedHashMap<>();
        trainableParameters().keySet().forEach(n -> {
            canonical.put(peftName(n), peftName(n));
            canonical.put(savedFileName(n), peftName(n));
        });
        TreeSet<String> missing = new TreeSet<>(byName.keySet()), unexpected = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            String c = canonical.get(k);
            if (c == null) { unexpected.add(k); return; }
            if (!missing.remove(c)) { problems.add("'" + c + "' is given twice"); return; }
            Parameter p = byName.get(c);
            if (!Arrays.equals(p.shape(), v.shape()))
                problems.add(k + ": expected " + ShapeException.show(p.shape()) + " but got " + ShapeException.show(v.shape()));
            else if (v.isNaN().any() || v.isInfinite().any()) problems.add(k + " contains NaN or Inf");
            else out.put(c, v);
        });
        if (!missing.isEmpty()) problems.add("missing " + missing);
        if (!unexpected.isEmpty()) problems.add("unexpected " + unexpected);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("adapter state does not fit this model's adapter (r " + config.r() + ", targets "
                    + config.targetModules() + ", modules to save " + config.modulesToSave() + "): " + String.join("; ", problems));
        return out;
    }

    /** Folds every adapter into its base weight (all layers checked finite first, so a refusal changes nothing). */
    public void merge() {
        if (merged()) throw new IllegalStateException("adapters are already merged");
        layers.forEach((name, l) -> l.requireFinite(name));
        layers.values().forEach(LoraLayer::merge);
    }

    /** Restores every base weight exactly as it was before {@link #merge()}. */
    public void unmerge() {
        if (!merged()) throw new IllegalStateException("adapters are not merged");
        layers.values().forEach(LoraLayer::unmerge);
    }

    public boolean merged() { return layers.values().stream().anyMatch(LoraLayer::merged); }
}
