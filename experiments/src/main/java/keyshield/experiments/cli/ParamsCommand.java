package keyshield.experiments.cli;

import keyshield.lora.LoraConfig;
import keyshield.lora.ParameterCounts;
import keyshield.vit.ViTConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/**
 * {@code keyshield params}: total and trainable parameter counts of full fine-tuning or of LoRA (Table II of
 * the paper), computed from the shapes without building the model:
 * <pre>
 * ./keyshield params --preset vit-b16 --classes 1000                                        total=86567656 trainable=86567656 (100.00%)
 * ./keyshield params --preset vit-b16 --classes 1000 --lora-rank 16 --lora-alpha 16 \
 *                    --lora-targets qkv,patch_embed --train head                            … trainable=1383400 (1.59%)
 * </pre>
 * Bad values (unknown module names, r &lt; 1, …) are IllegalArgumentExceptions, which the top-level command line
 * reports as usage errors (exit 2).
 */
@Command(name = "params", mixinStandardHelpOptions = true,
        description = {"Prints the total and trainable parameter counts of a ViT preset, fully fine-tuned or with LoRA,",
                "as 'total=N trainable=M (P%)'. Nothing is allocated: the counts come from the shapes."})
public final class ParamsCommand implements Callable<Integer> {

    /** The architectures, by their command-line names. */
    public enum Preset {
        VIT_TI16("vit-ti16", ViTConfig::tiny16, 1000), VIT_S16("vit-s16", ViTConfig::small16, 1000),
        VIT_B16("vit-b16", ViTConfig::base16, 1000), VIT_B32("vit-b32", ViTConfig::base32, 1000),
        VIT_L16("vit-l16", ViTConfig::large16, 1000), VIT_CIFAR("vit-cifar", ViTConfig::cifar, 10);

        public final String cliName;
        private final IntFunction<ViTConfig> config;
        public final int defaultClasses;

        Preset(String cliName, IntFunction<ViTConfig> config, int defaultClasses) {
            this.cliName = cliName;
            this.config = config;
            this.defaultClasses = defaultClasses;
        }

        public ViTConfig config(int classes) { return config.apply(classes); }

        @Override public String toString() { return cliName; }

        static Preset parse(String s) {
            for (Preset p : values()) if (p.cliName.equals(s.toLowerCase(Locale.ROOT))) return p;
            throw new CommandLine.TypeConversionException("unknown preset '" + s + "'; expected one of " + List.of(values()));
        }
    }

    /** The layers LoRA can adapt, by their command-line names, with the module pattern each stands for. */
    public enum Target {
        QKV("qkv", "blocks.*.attn.qkv"), PATCH_EMBED("patch_embed", "patch_embed.proj");

        public final String cliName, pattern;

        Target(String cliName, String pattern) {
            this.cliName = cliName;
            this.pattern = pattern;
        }

        @Override public String toString() { return cliName; }

        static Target parse(String s) {
            for (Target t : values()) if (t.cliName.equals(s.toLowerCase(Locale.ROOT))) return t;
            throw new CommandLine.TypeConversionException("unknown LoRA target '" + s + "'; expected one of " + List.of(values()));
        }
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", required = true, converter = PresetConverter.class,
            description = "architecture: vit-ti16, vit-s16, vit-b16, vit-b32, vit-l16 or vit-cifar")
    Preset preset;

    @Option(names = "--classes", description = "head outputs (default 1000, 10 for vit-cifar)")
    Integer classes;

    @Option(names = "--lora-rank", description = "LoRA rank r; without it, full fine-tuning is counted")
    Integer loraRank;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default: the rank, i.e. scaling 1)")
    Double loraAlpha;

    @Option(names = "--lora-targets", split = ",", converter = TargetConverter.class,
            description = "layers to adapt, comma-separated: qkv, patch_embed (default: both)")
    List<Target> loraTargets;

    @Option(names = "--lora-qkv", description = "how qkv is adapted: ${COMPLETION-CANDIDATES} (default FUSED)")
    LoraConfig.QkvMode qkvMode = LoraConfig.QkvMode.FUSED;

    @Option(names = "--train", split = ",", description = "modules kept fully trainable besides the adapter, e.g. head")
    List<String> train;

    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override public Preset convert(String value) { return Preset.parse(value); }
    }

    static final class TargetConverter implements CommandLine.ITypeConverter<Target> {
        @Override public Target convert(String value) { return Target.parse(value); }
    }

    @Override
    public Integer call() {
        int n = classes == null ? preset.defaultClasses : classes;
        if (n < 0) throw new IllegalArgumentException("--classes must be >= 0 but is " + n);
        ViTConfig vit = preset.config(n);
        ParameterCounts.Counts counts;
        if (loraRank == null) {
            if (loraAlpha != null || loraTargets != null || train != null)
                throw new IllegalArgumentException("--lora-alpha, --lora-targets and --train need --lora-rank");
            counts = ParameterCounts.full(vit);
        } else {
            List<String> patterns = new ArrayList<>();
            for (Target t : loraTargets == null ? List.of(Target.QKV, Target.PATCH_EMBED) : loraTargets)
                if (!patterns.contains(t.pattern)) patterns.add(t.pattern);
            LoraConfig lora = new LoraConfig(loraRank, loraAlpha == null ? loraRank : loraAlpha, 0, patterns,
                    train == null ? List.of() : train, qkvMode, LoraConfig.LoraInit.KAIMING_UNIFORM);   // validates r, alpha, names
            counts = ParameterCounts.lora(vit, lora);
        }
        spec.commandLine().getOut().println(counts.format());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
