package keyshield.lora;

import keyshield.vit.ViTConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Total and trainable parameter counts of full fine-tuning and of LoRA, from the shapes alone (nothing is
 * allocated, so ViT-L costs nothing). Table II of the paper, ViT-B/16 with 1000 classes: full fine-tuning
 * trains 86,567,656; LoRA r = 16 on the patch embedding and every qkv, head trainable, trains
 * 16·(3·16·16) + 768·16 + 12·16·(768 + 2304) + 768·1000 + 1000 = 1,383,400.
 *
 * <p>The total counts the base once plus the adapter factors (the kept head is trained in place, not
 * copied; peft's {@code print_trainable_parameters} would count its copy too). The module names and
 * matching rules are those of {@link Lora#apply}; a test checks both give the same counts.
 */
public final class ParameterCounts {
    private ParameterCounts() {}

    /** A pair of counts. */
    public record Counts(long total, long trainable) {
        public double percent() { return total == 0 ? 0 : 100.0 * trainable / total; }

        /** {@code total=N trainable=M (P%)}, P with two decimals. */
        public String format() { return String.format(Locale.ROOT, "total=%d trainable=%d (%.2f%%)", total, trainable, percent()); }
    }

    /** Full fine-tuning: every parameter trains. */
    public static Counts full(ViTConfig c) { return new Counts(c.parameterCount(), c.parameterCount()); }

    /** LoRA as {@code l} says on a ViT of architecture {@code c}. */
    public static Counts lora(ViTConfig c, LoraConfig l) {
        LinkedHashMap<String, Long> leaves = leafParameterCounts(c);
        LinkedHashSet<String> modules = new LinkedHashSet<>();
        for (String leaf : leaves.keySet())
            for (int i = leaf.indexOf('.'); ; i = leaf.indexOf('.', i + 1)) {
                modules.add(i < 0 ? leaf : leaf.substring(0, i));
                if (i < 0) break;
            }
        for (String p : l.targetModules()) require("target module", p, modules);
        for (String p : l.modulesToSave()) require("module to save", p, modules);
        long adapter = 0, saved = 0;
        List<String> savedModules = new ArrayList<>();
        for (String m : modules) {
            if (l.targets(m)) adapter += adapterSize(c, l, m);
            else if (l.saves(m) && savedModules.stream().noneMatch(s -> m.startsWith(s + "."))) savedModules.add(m);
        }
        for (Map.Entry<String, Long> e : leaves.entrySet())
            if (savedModules.stream().anyMatch(s -> e.getKey().equals(s) || e.getKey().startsWith(s + "."))) saved += e.getValue();
        return new Counts(c.parameterCount() + adapter, adapter + saved);
    }

    private static long adapterSize(ViTConfig c, LoraConfig l, String module) {
        long d = c.embedDim(), r = l.r(), p = c.patchSize();
        if (module.equals("patch_embed.proj")) return r * c.inChans() * p * p + d * r;          // A (r, C, p, p), B (D, r, 1, 1)
        if (module.matches("blocks\\.\\d+\\.attn\\.qkv"))
            return l.qkvMode() == LoraConfig.QkvMode.Q_V ? 2 * (r * d + d * r)                  // q and v: A (r, D), B (D, r) each
                                                          : r * d + 3 * d * r;                   // A (r, D), B (3D, r)
        throw new IllegalArgumentException("LoRA on '" + module + "' is not supported: only blocks.*.attn.qkv (Linear) and patch_embed.proj (Conv2d) can be wrapped");
    }

    private static void require(String what, String pattern, Iterable<String> modules) {
        for (String m : modules) if (LoraConfig.matches(pattern, m)) return;
        throw new IllegalArgumentException(what + " pattern '" + pattern + "' matches no module of the model; module names look like "
                + "patch_embed.proj, blocks.0.attn.qkv, blocks.0.mlp.fc1, head");
    }

    /** Every module that owns parameters, with its parameter count, by timm name (the root's cls_token/pos_embed excluded). */
    static LinkedHashMap<String, Long> leafParameterCounts(ViTConfig c) {
        long d = c.embedDim(), h = c.mlpHidden(), p = c.patchSize();
        LinkedHashMap<String, Long> out = new LinkedHashMap<>();
        out.put("patch_embed.proj", d * c.inChans() * p * p + d);
        for (int i = 0; i < c.depth(); i++) {
            String b = "blocks." + i + ".";
            out.put(b + "norm1", 2 * d);
            out.put(b + "attn.qkv", 3 * d * d + (c.qkvBias() ? 3 * d : 0));
            out.put(b + "attn.proj", d * d + d);
            out.put(b + "norm2", 2 * d);
            out.put(b + "mlp.fc1", h * d + h);
            out.put(b + "mlp.fc2", d * h + d);
        }
        out.put("norm", 2 * d);
        if (c.numClasses() > 0) out.put("head", (long) c.numClasses() * d + c.numClasses());
        return out;
    }
}
