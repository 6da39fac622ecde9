package keyshield.experiments.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.train.TrainRecipe;
import keyshield.tensor.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Runs a {@link TableOne} stage by stage in a {@link RunDir}: clean accuracy and white-box attack of the
 * plain model; then per block size M and tuning, fine-tune the keyed model and the attacker's substitute
 * (guessed key), measure clean accuracy, craft white-box and adaptive examples, and evaluate the keyed
 * model on those and on the plain model's (non-adaptive). Every stage is saved when it finishes and
 * training checkpoints as it goes, so {@code --resume} after a kill continues where the run stopped and
 * ends with the same numbers.
 */
public final class TableOneRun {
    private TableOneRun() {}

    /** One row of the table: accuracies in percent, absent where the protocol does not apply. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Row(String model, double clean, Double whitebox, Double nonadaptive, Double adaptive, long trainable) {}

    /**
     * The result file.
     *
     * @param computeSeconds compute time booked over every invocation of the run (see {@link RunDir#book()})
     * @param markdown       the table as printed
     */
    public record Result(TableOne experiment, List<Row> rows, List<Finetuned> finetunes, int cleanImages, int attackedImages,
                         double computeSeconds, String markdown, Provenance provenance) implements RunResult {}

    public static Result run(TableOne t, RunDir dir, PrintStream out) throws IOException { return run(t, dir, out, 1); }

    /**
     * As {@link #run(TableOne, RunDir, PrintStream)}; with {@code jobs} 2 each keyed model and its
     * substitute are fine-tuned side by side, and their attacks crafted side by side ({@link SideBySide}).
     */
    public static Result run(TableOne t, RunDir dir, PrintStream out, int jobs) throws IOException {
        if (jobs != 1 && jobs != 2) throw new IllegalArgumentException("table-one run: jobs must be 1 or 2 but is " + jobs);
        var clock = Provenance.start();
        Rng root = Rng.seeded(t.seed());
        Dataset train = t.data().open(Split.TRAIN).spread(t.trainImages());
        Dataset test = t.data().open(Split.TEST).spread(t.testImages());
        Dataset attackSet = test.every(t.attackEvery()).spread(t.attackImages());
        INDArray xAtt = attackSet.images();
        int[] yAtt = attackSet.labels();
        List<String> classes = test.classes();
        out.printf("%s: %,d training images, %,d test images (clean), %,d attacked (every %d-th), %s eps %.5f%n",
                t.name(), train.size(), test.size(), attackSet.size(), t.attackEvery(), t.threat().norm(), t.threat().eps());

        KeyedModel plain = KeyedModel.plain(t.base());
        List<Row> rows = new ArrayList<>();
        LinkedHashSet<String> fingerprints = new LinkedHashSet<>();
        double plainClean = dir.stage("clean plain", Double.class, () -> Evaluate.clean(plain.pipeline(), test, t.evalBatch(), "plain"));
        INDArray advPlain = Evaluate.craft(dir, "attack plain", plain.pipeline(), xAtt, yAtt, t.attacks(), t.threat(), root.split("attack plain"), t.attackBatch());
        double plainWhite = dir.stage("white-box plain", Double.class, () -> Evaluate.on(plain.pipeline(), advPlain, yAtt, t.evalBatch(), classes));
        rows.add(new Row("plain", plainClean, plainWhite, null, null, plain.trainableCount()));
        out.printf("plain: clean %.2f%%, white-box %.2f%%%n", plainClean, plainWhite);

        int channels = (int) xAtt.size(1);
        for (int m : t.blockSizes()) {
            SecretKey key = SecretKey.fromSeed(root.split("key", m).nextLong(), m, channels);
            SecretKey guess = SecretKey.fromSeed(root.split("guess", m).nextLong(), m, channels);
            fingerprints.add(key.fingerprint());
            fingerprints.add(guess.fingerprint());
            for (Tuning tuning : t.tunings()) {
                String model = "key M=" + m + " " + tuning.label();
                Row row = dir.stage("row " + model, Row.class, () -> {
                    var models = SideBySide.run(jobs,
                            () -> finetuned(dir, "finetune " + model, t, key, tuning, train, root),
                            () -> finetuned(dir, "substitute M=" + m + " " + tuning.label(), t, guess, tuning, train, root));
                    KeyedModel keyed = models.first(), substitute = models.second();
                    double clean = dir.stage("clean " + model, Double.class, () -> Evaluate.clean(keyed.pipeline(), test, t.evalBatch(), model));
                    var adv = SideBySide.run(jobs,
                            () -> Evaluate.craft(dir, "attack " + model, keyed.pipeline(), xAtt, yAtt, t.attacks(), t.threat(),
                                    root.split("attack", m).split(tuning.label()), t.attackBatch()),
                            () -> Evaluate.craft(dir, "attack substitute M=" + m + " " + tuning.label(), substitute.pipeline(), xAtt, yAtt,
                                    t.attacks(), t.threat(), root.split("attack substitute", m).split(tuning.label()), t.attackBatch()));
                    INDArray advWhite = adv.first(), advSub = adv.second();
                    Row r = new Row(model, clean, Evaluate.on(keyed.pipeline(), advWhite, yAtt, t.evalBatch(), classes),
                            Evaluate.on(keyed.pipeline(), advPlain, yAtt, t.evalBatch(), classes),
                            Evaluate.on(keyed.pipeline(), advSub, yAtt, t.evalBatch(), classes), keyed.trainableCount());
                    advWhite.close();
                    advSub.close();
                    return r;
                });
                rows.add(row);
                out.printf("%s: clean %.2f%%, white-box %.2f%%, non-adaptive %.2f%%, adaptive %.2f%%%n", model, row.clean(), row.whitebox(),
                        row.nonadaptive(), row.adaptive());
            }
        }
        List<Finetuned> finetunes = new ArrayList<>();
        for (String stage : finetuneStages(t)) finetunes.add(dir.saved(stage, Finetuned.class));
        MarkdownTable table = new MarkdownTable("model", "#clean", "#white-box", "#non-adaptive", "#adaptive", "#trainable");
        for (Row r : rows)
            table.row(r.model(), MarkdownTable.pct(r.clean()), MarkdownTable.pct(r.whitebox()), MarkdownTable.pct(r.nonadaptive()),
                    MarkdownTable.pct(r.adaptive()), r.trainable());
        dir.book();
        return new Result(t, rows, finetunes, test.size(), attackSet.size(), dir.bookedSeconds(), table.toString(),
                clock.finish(List.of(t.seed()), List.copyOf(fingerprints), dir.invocations()));
    }

    private static List<String> finetuneStages(TableOne t) {
        List<String> s = new ArrayList<>();
        for (int m : t.blockSizes())
            for (Tuning tuning : t.tunings()) {
                s.add("finetune key M=" + m + " " + tuning.label());
                s.add("substitute M=" + m + " " + tuning.label());
            }
        return s;
    }

    /** The model stage {@code stage} trains (or trained in an earlier invocation), loaded from its weight file. */
    private static KeyedModel finetuned(RunDir dir, String stage, TableOne t, SecretKey key, Tuning tuning, Dataset train, Rng root)
            throws IOException {
        TrainRecipe recipe = tuning == Tuning.FULL ? t.fullRecipe() : t.loraRecipe();
        return new Finetuning(t.base(), key, tuning, t.lora(), recipe, t.checkpointEvery()).run(dir, stage, train, root);
    }
}
