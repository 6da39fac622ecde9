package keyshield.experiments.run;

import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.tensor.Rng;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Runs a {@link RobustEval} in a {@link RunDir}: stage {@code clean} (the target on the clean attacked
 * images), then the adversarial examples crafted batch by batch on the protocol's model (stage
 * {@code attack}, one file per batch under {@code adv/attack/}, see {@link Evaluate#craft}), then stage
 * {@code robust} (the target on them). The attack randomness of batch i is {@code Rng.seeded(seed).split("attack").split("batch", i)}.
 */
public final class RobustEvalRun {
    private RobustEvalRun() {}

    /**
     * The result file.
     *
     * @param clean           accuracy (%) of the target on the clean attacked images
     * @param robust          accuracy (%) of the target on their adversarial examples (eq. 4)
     * @param images          how many images were attacked
     * @param targetKey       fingerprint of the target's key ("none" for the plain model)
     * @param craftedOnKey    fingerprint of the key of the model the examples were crafted on
     * @param computeSeconds  compute time booked over every invocation
     */
    public record Result(RobustEval experiment, double clean, double robust, int images, String targetKey, String craftedOnKey,
                         double computeSeconds, String markdown, Provenance provenance) implements RunResult {}

    public static Result run(RobustEval e, RunDir dir, PrintStream out) throws IOException {
        var clock = Provenance.start();
        Dataset attackSet = e.data().open(Split.TEST).every(e.attackEvery()).spread(e.attackImages());
        INDArray x = attackSet.images();                                                   // (N, C, H, W)
        int[] y = attackSet.labels();
        KeyedModel target = e.target().load(attackSet);
        KeyedModel craftedOn = e.protocol().transfers() ? e.source().load(attackSet) : target;
        String targetKey = e.target().fingerprint(attackSet).orElse("none"), sourceKey = e.craftedOn().fingerprint(attackSet).orElse("none");
        out.printf("%s: %s %s on %s (key %s), crafted on %s (key %s), %s eps %.5f, %,d images (every %d-th)%n", e.name(), e.protocol().label(),
                e.attackLabel(), e.target().label(), targetKey, e.craftedOn().label(), sourceKey, e.threat().norm(), e.threat().eps(), y.length, e.attackEvery());

        double clean = dir.stage("clean", Double.class, () -> Evaluate.clean(target.pipeline(), attackSet, e.evalBatch(), e.target().label()));
        INDArray adv = Evaluate.craft(dir, "attack", craftedOn.pipeline(), x, y, e.attacks(), e.threat(), Rng.seeded(e.seed()).split("attack"),
                e.attackBatch());
        double robust = dir.stage("robust", Double.class, () -> Evaluate.on(target.pipeline(), adv, y, e.evalBatch(), attackSet.classes()));
        out.printf("%s: clean %.2f%%, %s %.2f%%%n", e.name(), clean, e.protocol().label(), robust);

        MarkdownTable table = new MarkdownTable("model", "protocol", "attack", "crafted on", "#eps", "#images", "#clean", "#robust");
        table.row(e.target().label(), e.protocol().label(), e.attackLabel(), e.craftedOn().label(), EpsSweep.epsLabel(e.threat().eps()), y.length,
                MarkdownTable.pct(clean), MarkdownTable.pct(robust));
        dir.book();
        LinkedHashSet<String> keys = new LinkedHashSet<>(List.of(targetKey, sourceKey));
        keys.remove("none");
        return new Result(e, clean, robust, y.length, targetKey, sourceKey, dir.bookedSeconds(), table.toString(),
                clock.finish(List.of(e.seed()), List.copyOf(keys), dir.invocations()));
    }
}
