package keyshield.experiments.run;

import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.eval.Accuracy;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.train.Trainer;
import keyshield.nn.Module;
import keyshield.nn.Sequential;
import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link Pretrain} in three stages of a {@link RunDir}:
 * <ol>
 *   <li>{@code initial}: test accuracy and cross-entropy of the freshly initialised model (≈ chance, ≈ ln K);</li>
 *   <li>{@code pretrain}: training with checkpoints, then the weights written to {@code weights};</li>
 *   <li>{@code clean}: the written file loaded back (as every later experiment will load it) and measured.</li>
 * </ol>
 * A killed run resumes from its last checkpoint and ends with the same weights.
 */
public final class PretrainRun {
    private PretrainRun() {}

    /** Accuracy (%) and mean cross-entropy (nats) on the test images. */
    public record Measured(double accuracy, double crossEntropy, int images) {
        static Measured of(Accuracy.Result r) { return new Measured(r.percent(), r.meanCrossEntropy(), r.total()); }
    }

    /**
     * The result file.
     *
     * @param weights        the written weight file
     * @param training       steps, final smoothed training loss, training seconds
     * @param initial        the initialised model on the test images
     * @param trained        the written model on the test images
     * @param parameters     parameters of the ViT
     * @param computeSeconds compute time booked over every invocation
     */
    public record Result(Pretrain experiment, Path weights, Trainer.Summary training, Measured initial, Measured trained, long parameters,
                         double computeSeconds, String markdown, Provenance provenance) implements RunResult {}

    public static Result run(Pretrain p, RunDir dir, PrintStream out) throws IOException {
        var clock = Provenance.start();
        Rng root = Rng.seeded(p.seed());
        Dataset train = p.data().open(Split.TRAIN).spread(p.trainImages());
        Dataset test = p.data().open(Split.TEST).spread(p.testImages());
        requireFits(p, train);
        out.printf("%s: a ViT of %,d parameters from scratch on %,d training images, %,d test images%n", p.name(), p.vit().parameterCount(),
                train.size(), test.size());

        VisionTransformer vit = new VisionTransformer(p.vit(), root.split("init"));
        Module pipeline = new Sequential(p.normalization().module(), vit);
        Measured initial = dir.stage("initial", Measured.class, () -> Measured.of(Evaluate.measure(pipeline, test, p.evalBatch(), "initial")));
        Trainer.Summary training = dir.stage("pretrain", Trainer.Summary.class, () -> {
            Trainer.Summary s = Trainer.train(pipeline, train, p.recipe(), root.split("train"), "pretrain",
                    new Trainer.Checkpointing(dir.checkpoint("pretrain"), p.checkpointEvery(), dir::book));
            Safetensors.write(p.weights(), vit.stateDict(), Map.of("format", "pt", "num_heads", Integer.toString(p.vit().numHeads()),
                    "experiment", p.name()));
            return s;
        });
        Measured trained = dir.stage("clean", Measured.class,
                () -> Measured.of(Evaluate.measure(KeyedModel.deployed(p.trained(), Optional.empty()).pipeline(), test, p.evalBatch(), "pretrained")));
        out.printf("%s: test cross-entropy %.4f → %.4f, clean accuracy %.2f%% → %.2f%%; weights %s%n", p.name(), initial.crossEntropy(),
                trained.crossEntropy(), initial.accuracy(), trained.accuracy(), p.weights());

        MarkdownTable table = new MarkdownTable("model", "#parameters", "#steps", "#initial loss", "#test loss", "#clean");
        table.row("pretrained " + p.name(), p.vit().parameterCount(), training.steps(), decimal(initial.crossEntropy()),
                decimal(trained.crossEntropy()), MarkdownTable.pct(trained.accuracy()));
        dir.book();
        return new Result(p, p.weights(), training, initial, trained, p.vit().parameterCount(), dir.bookedSeconds(), table.toString(),
                clock.finish(List.of(p.seed()), List.of(), dir.invocations()));
    }

    /** Refuses data whose images or classes do not fit the architecture, before any work. */
    private static void requireFits(Pretrain p, Dataset d) {
        ViTConfig c = p.vit();
        if (d.channels() != c.inChans() || d.height() != c.imgSize() || d.width() != c.imgSize())
            throw new IllegalArgumentException("Pretrain " + p.name() + ": the images of " + d.name() + " are " + d.channels() + "×" + d.height() + "×"
                    + d.width() + " but the ViT takes " + c.inChans() + "×" + c.imgSize() + "×" + c.imgSize());
        if (d.numClasses() != c.numClasses())
            throw new IllegalArgumentException("Pretrain " + p.name() + ": " + d.name() + " has " + d.numClasses() + " classes but vit.numClasses is " + c.numClasses());
    }

    static String decimal(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}
