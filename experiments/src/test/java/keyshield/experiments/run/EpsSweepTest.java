package keyshield.experiments.run;

import keyshield.attacks.FgsmSpec;
import keyshield.attacks.LossReduction;
import keyshield.attacks.Norm;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.experiments.report.ResultFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link EpsSweep}: validation, the step rule, JSON, and a tiny sweep whose curves start at the clean accuracy and whose plot is a PNG. */
class EpsSweepTest {
    private static final PgdSpec PGD5 = new PgdSpec(5, 2.0 / 255, true, LossReduction.MEAN, Targeting.UNTARGETED);

    @TempDir Path dir;

    @Test
    void refusesBadFieldsNamingThem() {
        EpsSweep s = EpsSweep.cifarPlain(Path.of("s"));
        assertThatThrownBy(() -> withEps(s, List.of(0.0, 2 / 255.0, 1 / 255.0))).hasMessageContaining("eps must be strictly increasing");
        assertThatThrownBy(() -> withEps(s, List.of(-0.1))).hasMessageContaining("eps values must be finite and >= 0");
        assertThatThrownBy(() -> withEps(s, List.of())).hasMessageContaining("eps must hold at least one");
        assertThatThrownBy(() -> new EpsSweep(s.name(), s.data(), s.models(), s.norm(), s.eps(), new FgsmSpec(LossReduction.MEAN, Targeting.UNTARGETED),
                EpsSweep.StepRule.QUARTER_EPS, 10, 0, 1, 1, 0)).hasMessageContaining("step QUARTER_EPS sets a PGD step size, but attack is fgsm");
        DefendedModel m = s.models().get(0);
        assertThatThrownBy(() -> new EpsSweep(s.name(), s.data(), List.of(m, new DefendedModel("PLAIN", m.weights(), new KeySource.Seeded(4, 1))),
                s.norm(), s.eps(), s.attack(), s.step(), 10, 0, 1, 1, 0)).hasMessageContaining("models 'plain' and 'PLAIN' need distinct labels");
        assertThatThrownBy(() -> new EpsSweep(s.name(), s.data(), s.models(), s.norm(), s.eps(), s.attack(), s.step(), 10, 0, 0, 1, 0))
                .hasMessageContaining("evalBatch must be positive but is 0");
        assertThatThrownBy(() -> new EpsSweep(s.name(), s.data(), s.models(), null, s.eps(), s.attack(), s.step(), 10, 0, 1, 1, 0))
                .hasMessageContaining("norm must be given");
    }

    @Test
    void stepRuleAndLabels() throws Exception {
        EpsSweep s = EpsSweep.cifarPlain(Path.of("../shared"));
        assertThat(TinyWorld.roundTrip(dir, s, Experiment.class)).isEqualTo(s);
        assertThat(((PgdSpec) s.attackAt(8 / 255.0)).stepSize()).isEqualTo(2 / 255.0);
        assertThat(s.attackAt(0)).isEqualTo(s.attack());
        EpsSweep fixed = new EpsSweep(s.name(), s.data(), s.models(), s.norm(), s.eps(), s.attack(), EpsSweep.StepRule.FIXED, 10, 0, 1, 1, 0);
        assertThat(fixed.attackAt(16 / 255.0)).isEqualTo(s.attack());
        assertThat(EpsSweep.epsLabel(8 / 255.0)).isEqualTo("8/255");
        assertThat(EpsSweep.epsLabel(0)).isEqualTo("0");
        assertThat(EpsSweep.epsLabel(0.5)).isEqualTo("0.5000");
    }

    @Test
    void curvesStartAtTheCleanAccuracyAndThePlotIsAPng() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        EpsSweep s = new EpsSweep("tiny-sweep", w.data(), List.of(DefendedModel.plain("plain", w.base()),
                new DefendedModel("key M=4", w.base(), new KeySource.Seeded(4, 3))), Norm.LINF, List.of(0.0, 2 / 255.0, 32 / 255.0), PGD5,
                EpsSweep.StepRule.QUARTER_EPS, 3, 20, 50, 20, 8);
        Path run = dir.resolve("run"), json = dir.resolve("results/sweep.json");
        EpsSweepRun.Result r = (EpsSweepRun.Result) Runner.run(s, run, false, json, TinyWorld.sink()).result();

        assertThat(r.images()).isEqualTo(20);
        assertThat(r.curves()).extracting(EpsSweepRun.Curve::model).containsExactly("plain", "key M=4");
        for (EpsSweepRun.Curve c : r.curves()) {
            assertThat(c.points()).extracting(EpsSweepRun.Point::eps).containsExactly(0.0, 2 / 255.0, 32 / 255.0);
            assertThat(c.points().get(0).accuracy()).as(c.model() + " at eps 0").isEqualTo(c.clean());
        }
        EpsSweepRun.Curve plain = r.curves().get(0);
        assertThat(plain.clean()).as("the pre-trained tiny model beats chance").isGreaterThan(30);
        assertThat(plain.points().get(2).accuracy()).as("white-box at 32/255").isLessThan(plain.clean());
        assertThat(r.curves().get(1).key()).isNotEqualTo("none");

        assertThat(r.plot()).isEqualTo(dir.resolve("results/sweep.png"));
        byte[] png = Files.readAllBytes(r.plot());
        assertThat(Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        assertThat(r.markdown().lines()).hasSize(4).first().asString().contains("ε 32/255");
        assertThat(ResultFiles.readJson(json, EpsSweepRun.Result.class)).isEqualTo(r);

        var before = TinyWorld.work(run);
        EpsSweepRun.Result again = (EpsSweepRun.Result) Runner.run(s, run, true, dir.resolve("again.json"), TinyWorld.sink()).result();
        assertThat(again.curves()).isEqualTo(r.curves());
        assertThat(TinyWorld.work(run)).isEqualTo(before);
    }

    private static EpsSweep withEps(EpsSweep s, List<Double> eps) {
        return new EpsSweep(s.name(), s.data(), s.models(), s.norm(), eps, s.attack(), s.step(), s.attackEvery(), s.attackImages(), s.evalBatch(),
                s.attackBatch(), s.seed());
    }
}
