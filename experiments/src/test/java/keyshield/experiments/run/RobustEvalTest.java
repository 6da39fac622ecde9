package keyshield.experiments.run;

import keyshield.attacks.AutoAttack;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.defense.SecretKey;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.eval.Accuracy;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RobustEval}: validation, JSON, and tiny white-box and transfer runs checked against a recount of the saved examples. */
class RobustEvalTest {
    private static final double EPS = 8.0 / 255;
    private static final PgdSpec PGD5 = new PgdSpec(5, EPS / 4, true, LossReduction.MEAN, Targeting.UNTARGETED);

    @TempDir Path dir;

    @Test
    void presetsRoundTripThroughJson() throws Exception {
        RobustEval white = RobustEval.cifarPlainWhiteBox(Path.of("../shared"));
        DefendedModel guess = new DefendedModel("substitute", white.target().weights(), new KeySource.FromFile(Path.of("guess.key")));
        RobustEval adaptive = new RobustEval("a", white.data(), new DefendedModel("keyed", white.target().weights(), new KeySource.Seeded(4, 1)),
                AttackProtocol.ADAPTIVE, guess, AutoAttack.standard(), ThreatModel.linf(4.0 / 255), 10, 500, 64, 32, 7);
        for (RobustEval e : List.of(white, adaptive)) assertThat(TinyWorld.roundTrip(dir, e, Experiment.class)).isEqualTo(e);
        assertThat(adaptive.attackLabel()).isEqualTo("apgd-ce + apgd-t + fab-t + square");
        assertThat(adaptive.craftedOn()).isEqualTo(guess);
        assertThat(white.craftedOn()).isEqualTo(white.target());
    }

    @Test
    void refusesBadFieldsNamingThem() {
        RobustEval e = RobustEval.cifarPlainWhiteBox(Path.of("s"));
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), e.target(), AttackProtocol.WHITE_BOX, e.target(), e.attacks(), e.threat(), 10, 0, 1, 1, 0))
                .hasMessageContaining("source must be absent");
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), e.target(), AttackProtocol.ADAPTIVE, null, e.attacks(), e.threat(), 10, 0, 1, 1, 0))
                .hasMessageContaining("source must be given");
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), null, e.protocol(), null, e.attacks(), e.threat(), 10, 0, 1, 1, 0))
                .hasMessageContaining("target must be given");
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), e.target(), e.protocol(), null, List.of(), e.threat(), 10, 0, 1, 1, 0))
                .hasMessageContaining("attacks must hold at least one");
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), e.target(), e.protocol(), null, e.attacks(), e.threat(), 0, 0, 1, 1, 0))
                .hasMessageContaining("attackEvery must be positive but is 0");
        assertThatThrownBy(() -> new RobustEval(e.name(), e.data(), e.target(), e.protocol(), null, e.attacks(), e.threat(), 1, 0, 1, 0, 0))
                .hasMessageContaining("attackBatch");
        assertThatThrownBy(() -> new DefendedModel("", e.target().weights(), new KeySource.None())).hasMessageContaining("label");
    }

    @Test
    void whiteBoxAccuracyIsAtMostCleanAndEqualsARecountOfTheSavedExamples() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        DefendedModel plain = DefendedModel.plain("plain", w.base());
        RobustEval e = new RobustEval("tiny-white", w.data(), plain, AttackProtocol.WHITE_BOX, null, List.of(PGD5), ThreatModel.linf(EPS), 3, 0, 50, 16, 4);
        Path run = dir.resolve("run");
        RobustEvalRun.Result r = (RobustEvalRun.Result) Runner.run(e, run, false, dir.resolve("white.json"), TinyWorld.sink()).result();

        Dataset attacked = w.data().open(Split.TEST).every(3);                            // positions 0, 3, …, 99: every class
        assertThat(r.images()).isEqualTo(attacked.size()).isEqualTo(34);
        assertThat(r.clean()).as("the pre-trained tiny model beats chance").isGreaterThan(30);
        assertThat(r.robust()).isLessThanOrEqualTo(r.clean());
        assertThat(r.targetKey()).isEqualTo("none");

        KeyedModel model = KeyedModel.deployed(w.base(), java.util.Optional.empty());
        assertThat(Accuracy.of(model.pipeline(), attacked, 7, done -> { }).percent()).isEqualTo(r.clean());
        INDArray adv = saved(run, 3);                                                      // ⌈34 / 16⌉ batches
        INDArray x = attacked.images();
        assertThat(adv.shape()).isEqualTo(x.shape());
        assertThat(Transforms.abs(adv.sub(x)).maxNumber().doubleValue()).isLessThanOrEqualTo(EPS + 1e-6);
        assertThat(adv.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(adv.maxNumber().doubleValue()).isLessThanOrEqualTo(1);
        assertThat(Accuracy.of(model.pipeline(), Dataset.of("adv", adv, attacked.labels(), attacked.classes()), 7, done -> { }).percent())
                .isEqualTo(r.robust());

        var before = TinyWorld.work(run);
        RobustEvalRun.Result again = (RobustEvalRun.Result) Runner.run(e, run, true, dir.resolve("again.json"), TinyWorld.sink()).result();
        assertThat(again.robust()).isEqualTo(r.robust());
        assertThat(again.clean()).isEqualTo(r.clean());
        assertThat(again.markdown()).isEqualTo(r.markdown());
        assertThat(TinyWorld.work(run)).isEqualTo(before);
    }

    @Test
    void nonAdaptiveExamplesAreTheSourcesWhiteBoxExamplesTransferred() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        DefendedModel plain = DefendedModel.plain("plain", w.base());
        DefendedModel keyed = new DefendedModel("keyed", w.base(), new KeySource.Seeded(4, 5));
        RobustEval transfer = new RobustEval("tiny-transfer", w.data(), keyed, AttackProtocol.NON_ADAPTIVE, plain, List.of(PGD5), ThreatModel.linf(EPS),
                10, 0, 50, 8, 4);
        RobustEval onSource = new RobustEval("tiny-source", w.data(), plain, AttackProtocol.WHITE_BOX, null, List.of(PGD5), ThreatModel.linf(EPS),
                10, 0, 50, 8, 4);
        RobustEvalRun.Result t = (RobustEvalRun.Result) Runner.run(transfer, dir.resolve("t"), false, dir.resolve("t.json"), TinyWorld.sink()).result();
        Runner.run(onSource, dir.resolve("s"), false, dir.resolve("s.json"), TinyWorld.sink());
        assertThat(saved(dir.resolve("t"), 2)).isEqualTo(saved(dir.resolve("s"), 2));
        assertThat(t.craftedOnKey()).isEqualTo("none");
        assertThat(t.targetKey()).isEqualTo(SecretKey.fromSeed(keyshield.tensor.Rng.seeded(5).split("key", 4).nextLong(), 4, 3).fingerprint());
        assertThat(t.provenance().keyFingerprints()).containsExactly(t.targetKey());
        assertThat(t.robust()).isBetween(0.0, 100.0);
        assertThat(t.markdown()).contains("non-adaptive").contains("plain").contains("8/255");
    }

    /** The adversarial examples of stage "attack", batch files 0 … batches−1, in order. */
    private static INDArray saved(Path run, int batches) throws Exception {
        List<INDArray> parts = new ArrayList<>();
        for (int b = 0; b < batches; b++) parts.add(Npz.read(run.resolve("adv/attack/batch-%04d.npz".formatted(b))).get("x_adv"));
        assertThat(run.resolve("adv/attack/batch-%04d.npz".formatted(batches))).doesNotExist();
        assertThat(Files.isDirectory(run.resolve("adv/attack"))).isTrue();
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }
}
