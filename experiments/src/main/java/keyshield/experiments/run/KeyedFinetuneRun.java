package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.lora.AdapterFiles;
import keyshield.tensor.Rng;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link KeyedFinetune} in three stages of a {@link RunDir}:
 * <ol>
 *   <li>{@code finetune}: the keyed copy trained with checkpoints ({@link Finetuning}), saved in the run directory;</li>
 *   <li>{@code export}: the plain (merged) timm file written to {@code weights}, and for LoRA the adapter directory;</li>
 *   <li>{@code clean}: the exported file loaded back with the key, as {@link RobustEval} loads it, and its clean
 *       accuracy measured on the keyed test images.</li>
 * </ol>
 */
public final class KeyedFinetuneRun {
    private KeyedFinetuneRun() {}

    /** The files the export stage wrote; {@code adapter} only for LoRA. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Exported(Path weights, Path adapter) {}

    /**
     * The result file.
     *
     * @param training       the fine-tune: key fingerprint, steps, final loss, seconds, trainable parameters
     * @param files          the exported weight file and adapter directory
     * @param clean          clean accuracy (%) of the exported model with its key on the test images
     * @param testImages     how many test images
     * @param computeSeconds compute time booked over every invocation
     */
    public record Result(KeyedFinetune experiment, Finetuned training, Exported files, double clean, int testImages, double computeSeconds,
                         String markdown, Provenance provenance) implements RunResult {}

    public static Result run(KeyedFinetune f, RunDir dir, PrintStream out) throws IOException {
        var clock = Provenance.start();
        Rng root = Rng.seeded(f.seed());
        Dataset train = f.data().open(Split.TRAIN).spread(f.trainImages());
        Dataset test = f.data().open(Split.TEST).spread(f.testImages());
        SecretKey key = f.key().resolve(train).orElseThrow();
        out.printf("%s: %s fine-tuning with key %s (M = %d) on %,d training images, %,d test images%n", f.name(), f.tuning().label(),
                key.fingerprint(), key.blockSize(), train.size(), test.size());

        KeyedModel model = new Finetuning(f.base(), key, f.tuning(), f.lora(), f.recipe(), f.checkpointEvery()).run(dir, "finetune", train, root);
        Finetuned training = dir.saved("finetune", Finetuned.class);
        Exported files = dir.stage("export", Exported.class, () -> {
            model.saveMerged(f.weights(), Map.of("format", "pt", "num_heads", Integer.toString(f.base().numHeads()), "experiment", f.name(),
                    "tuning", f.tuning().label(), "key_fingerprint", key.fingerprint()));
            if (model.lora() == null) return new Exported(f.weights(), null);
            AdapterFiles.write(f.adapterDir(), model.lora(), key.fingerprint());
            return new Exported(f.weights(), f.adapterDir());
        });
        double clean = dir.stage("clean", Double.class, () -> Evaluate.clean(f.trained().load(test).pipeline(), test, f.evalBatch(), f.name()));
        out.printf("%s: clean accuracy %.2f%% on keyed test images; weights %s%n", f.name(), clean, files.weights());

        MarkdownTable table = new MarkdownTable("model", "key", "#trainable", "#steps", "#clean");
        table.row(f.name(), key.fingerprint(), training.trainable(), training.steps(), MarkdownTable.pct(clean));
        dir.book();
        return new Result(f, training, files, clean, test.size(), dir.bookedSeconds(), table.toString(),
                clock.finish(List.of(f.seed()), List.of(key.fingerprint()), dir.invocations()));
    }
}
