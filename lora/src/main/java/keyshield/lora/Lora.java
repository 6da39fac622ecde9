package keyshield.lora;

import keyshield.nn.Conv2d;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.vit.Attention;
import keyshield.vit.PatchEmbed;
import keyshield.vit.VisionTransformer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts LoRA adapters on a Vision Transformer, in place (peft's {@code get_peft_model}):
 * <ol>
 *   <li>freeze every parameter of the model;</li>
 *   <li>wrap each target layer ({@code blocks.i.attn.qkv} Linear → {@link LoraLinear},
 *       {@code patch_embed.proj} Conv2d → {@link LoraConv}) through the ViT's replace hooks;</li>
 *   <li>unfreeze the modules to save (e.g. {@code head}) in place. Unlike peft, which trains a copy and
 *       keeps the original, we train the module itself: the {@link AdapterRegistry} swaps its tensors per key.</li>
 * </ol>
 * Only the qkv projections and the patch embedding can be wrapped: {@code Attention.replaceQkv} and
 * {@code PatchEmbed.replaceProj} are the vit module's hooks.
 */
public final class Lora {
    private Lora() {}

    /** Adapts {@code model} (which must not carry adapters yet) as {@code config} says; {@code rng} initialises A (and B). */
    public static LoraModel apply(VisionTransformer model, LoraConfig config, Rng rng) {
        LinkedHashMap<String, Module> modules = model.namedModules();
        for (Map.Entry<String, Module> e : modules.entrySet())
            if (e.getValue() instanceof LoraLayer)
                throw new IllegalArgumentException("model already carries a LoRA adapter at '" + e.getKey() + "'; load adapter tensors instead of applying twice");
        for (String p : config.targetModules()) requireMatch("target module", p, modules);
        for (String p : config.modulesToSave()) requireMatch("module to save", p, modules);

        List<String> targets = new ArrayList<>(), saved = new ArrayList<>();
        for (String name : modules.keySet()) {
            if (config.targets(name)) targets.add(name);
            else if (config.saves(name) && saved.stream().noneMatch(s -> name.startsWith(s + "."))) saved.add(name);
        }
        for (String t : targets)
            for (String s : saved)
                if (t.startsWith(s + ".")) throw new IllegalArgumentException("LoRA target '" + t + "' lies inside the module to save '" + s + "'");

        model.setTrainable(false);
        LinkedHashMap<String, LoraLayer> layers = new LinkedHashMap<>();
        for (String name : targets) layers.put(name, wrap(name, modules, config, rng.split(name)));

        LinkedHashMap<String, Parameter> savedParams = new LinkedHashMap<>();
        LinkedHashMap<String, String> savedModuleOf = new LinkedHashMap<>();
        for (String s : saved) {
            Module m = modules.get(s);
            m.setTrainable(true);
            m.namedParameters().forEach((n, p) -> {
                savedParams.put(s + "." + n, p);
                savedModuleOf.put(s + "." + n, s);
            });
        }
        return new LoraModel(model, config, layers, savedParams, savedModuleOf);
    }

    private static void requireMatch(String what, String pattern, Map<String, Module> modules) {
        if (modules.keySet().stream().noneMatch(n -> LoraConfig.matches(pattern, n)))
            throw new IllegalArgumentException(what + " pattern '" + pattern + "' matches no module of the model; module names look like "
                    + "patch_embed.proj, blocks.0.attn.qkv, blocks.0.mlp.fc1, head");
    }

    private static LoraLayer wrap(String name, Map<String, Module> modules, LoraConfig config, Rng rng) {
        int dot = name.lastIndexOf('.');
        Module parent = dot < 0 ? null : modules.get(name.substring(0, dot));
        String childName = name.substring(dot + 1);
        Module target = modules.get(name);
        if (parent instanceof Attention attn && childName.equals("qkv") && target instanceof Linear qkv) {
            LoraLinear w = config.qkvMode() == LoraConfig.QkvMode.Q_V ? LoraLinear.qv(qkv, config, rng) : LoraLinear.fused(qkv, config, rng);
            attn.replaceQkv(w);
            return w;
        }
        if (parent instanceof PatchEmbed pe && childName.equals("proj") && target instanceof Conv2d proj) {
            LoraConv w = new LoraConv(proj, config, rng);
            pe.replaceProj(w);
            return w;
        }
        throw new IllegalArgumentException("LoRA on '" + name + "' (" + target.getClass().getSimpleName() + ") is not supported: "
                + "only blocks.*.attn.qkv (Linear) and patch_embed.proj (Conv2d) can be wrapped");
    }
}
