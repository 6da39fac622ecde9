package keyshield.lora;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a LoRA adapter adapts and how (peft's {@code LoraConfig}).
 *
 * <p>Target and kept modules are named by patterns over the model's dotted module names: a pattern is
 * dot-separated segments, a segment {@code *} matches any one segment, and a pattern matches a name when it
 * matches the whole name or its last segments (peft's suffix rule). So {@code blocks.*.attn.qkv},
 * {@code attn.qkv} and {@code qkv} all select every block's fused qkv projection; {@code patch_embed.proj}
 * selects the patch convolution.
 *
 * @param r             rank of the update B·A; at least 1
 * @param alpha         scale numerator: the update is multiplied by {@link #scaling()} = alpha / r
 * @param dropout       dropout on the adapter's input only, in [0, 1)
 * @param targetModules patterns of the Linear/Conv2d layers to wrap; at least one
 * @param modulesToSave patterns of modules kept fully trainable besides the adapter (e.g. {@code head})
 * @param qkvMode       how a fused qkv projection is adapted
 * @param init          how A and B start
 */
public record LoraConfig(int r, double alpha, double dropout, List<String> targetModules, List<String> modulesToSave,
                         QkvMode qkvMode, LoraInit init) {

    /** How the fused {@code attn.qkv} Linear (rows q, k, v) is adapted. */
    public enum QkvMode {
        /** One adapter over all 3·D output rows, as in the paper (and peft on timm's fused qkv). */
        FUSED,
        /** Two adapters, on the q rows [0, D) and the v rows [2D, 3D) only (Hu et al.'s W_q, W_v setting). */
        Q_V
    }

    /** Initial values of A and B. */
    public enum LoraInit {
        /** peft's default: A Kaiming-uniform with a = √5 (U(±1/√fanIn), PyTorch's Linear default), B = 0: a no-op. */
        KAIMING_UNIFORM,
        /** peft's {@code "gaussian"}: A ~ N(0, 1/r²), B = 0: a no-op. */
        GAUSSIAN,
        /** peft's {@code False}: A and B both Kaiming-uniform, so the adapter is NOT a no-op (for tests of merging). */
        RANDOM
    }

    private static final Pattern SEGMENT = Pattern.compile("\\*|[A-Za-z0-9_]+");

    public LoraConfig {
        if (r < 1) throw new IllegalArgumentException("LoRA rank r must be at least 1 but is " + r);
        if (!(alpha > 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("LoRA alpha must be finite and > 0 but is " + alpha);
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("LoRA dropout must be in [0, 1) but is " + dropout);
        if (targetModules == null || targetModules.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target module pattern");
        if (modulesToSave == null) throw new IllegalArgumentException("modulesToSave must be given (an empty list keeps nothing else trainable)");
        if (qkvMode == null || init == null) throw new IllegalArgumentException("qkvMode and init must be given");
        targetModules = List.copyOf(targetModules);
        modulesToSave = List.copyOf(modulesToSave);
        for (String p : targetModules) checkPattern("target module", p);
        for (String p : modulesToSave) checkPattern("module to save", p);
        for (String p : targetModules)
            if (modulesToSave.contains(p)) throw new IllegalArgumentException("'" + p + "' is both a LoRA target and a module to save");
    }

    private static void checkPattern(String what, String p) {
        if (p == null || p.isEmpty()) throw new IllegalArgumentException(what + " pattern is empty");
        for (String s : p.split("\\.", -1))
            if (!SEGMENT.matcher(s).matches())
                throw new IllegalArgumentException(what + " pattern '" + p + "' has a bad segment '" + s
                        + "'; segments are names of letters, digits and _ or a single *");
    }

    /** The paper's setting: rank r, alpha = r (scaling 1), qkv of every block and the patch embedding, head trainable. */
    public static LoraConfig paper(int r) {
        return new LoraConfig(r, r, 0, List.of("blocks.*.attn.qkv", "patch_embed.proj"), List.of("head"), QkvMode.FUSED, LoraInit.KAIMING_UNIFORM);
    }

    /** The golden fixture's setting: r 4, alpha 8, qkv and patch embedding, head frozen. */
    public static LoraConfig of(int r, double alpha, List<String> targets, List<String> modulesToSave) {
        return new LoraConfig(r, alpha, 0, targets, modulesToSave, QkvMode.FUSED, LoraInit.KAIMING_UNIFORM);
    }

    public LoraConfig withInit(LoraInit init) { return new LoraConfig(r, alpha, dropout, targetModules, modulesToSave, qkvMode, init); }

    public LoraConfig withQkvMode(QkvMode mode) { return new LoraConfig(r, alpha, dropout, targetModules, modulesToSave, mode, init); }

    public LoraConfig withDropout(double p) { return new LoraConfig(r, alpha, p, targetModules, modulesToSave, qkvMode, init); }

    /** The factor of the update: alpha / r. */
    public double scaling() { return alpha / r; }

    /** True when {@code moduleName} is selected by one of the target patterns. */
    public boolean targets(String moduleName) { return targetModules.stream().anyMatch(p -> matches(p, moduleName)); }

    /** True when {@code moduleName} is selected by one of the modules-to-save patterns. */
    public boolean saves(String moduleName) { return modulesToSave.stream().anyMatch(p -> matches(p, moduleName)); }

    /** Whether {@code pattern} matches the whole of {@code name} or its last segments ({@code *} = any one segment). */
    public static boolean matches(String pattern, String name) {
        if (name.isEmpty()) return false;
        String[] p = pattern.split("\\."), n = name.split("\\.");
        if (p.length > n.length) return false;
        int offset = n.length - p.length;
        for (int i = 0; i < p.length; i++)
            if (!p[i].equals("*") && !p[i].equals(n[offset + i])) return false;
        return true;
    }
}
