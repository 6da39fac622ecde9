package keyshield.experiments.cli;

import keyshield.experiments.run.KeyedFinetune;
import keyshield.experiments.run.KeySource;
import keyshield.experiments.run.Tuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyshield finetune}: full or LoRA fine-tuning of a pre-trained ViT on keyed images (resumable). */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Fine-tunes a pre-trained ViT (every weight, or LoRA adapters) on images shuffled block-wise with a secret key,",
                "writes the result as a plain timm safetensors file (LoRA merged into the base; the adapter also in peft's layout",
                "beside it) and reports clean accuracy on keyed test images. Only the key's fingerprint is ever written.",
                "Presets: cifarFull, cifarLora (the CIFAR stand-in, seeded key with M = 4)."})
public final class FinetuneCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarFull, cifarLora }

    @Option(names = "--preset", description = "${COMPLETION-CANDIDATES}") Preset preset;
    @Option(names = "--shared", paramLabel = "DIR", description = "folder with models/ and data/ (default: ../shared beside the repository)") Path shared;
    @Option(names = "--base", paramLabel = "FILE", description = "the pre-trained weights instead of the preset's") Path base;
    @Option(names = "--heads", paramLabel = "N", description = "attention heads of --base") Integer heads;
    @Option(names = "--key", paramLabel = "KEYFILE", description = "a key file from 'key new' instead of the seeded key") Path key;
    @Option(names = "--block", paramLabel = "M", description = "a seeded research key of block size M, derived from the experiment's seed (--seed)") Integer block;
    @Mixin TrainingOptions training;
    @Mixin RunOptions run;

    @Override
    public Integer call() throws Exception {
        if (key != null && block != null) throw new IllegalArgumentException("give --key KEYFILE or --block M, not both");
        KeyedFinetune f = run.choose(KeyedFinetune.class, preset, () -> KeyedFinetune.cifar(shared != null ? shared : SharedDir.locate(),
                preset == Preset.cifarFull ? Tuning.FULL : Tuning.LORA));
        long seed = training.seed != null ? training.seed : f.seed();
        return run.execute(training.applyTo(ExperimentPatch.of(KeyedFinetune.class, f))
                .set("/base/weights", base).set("/base/numHeads", heads)
                .set("/key", key != null ? new KeySource.FromFile(key) : block != null ? new KeySource.Seeded(block, seed) : null).build());
    }
}
