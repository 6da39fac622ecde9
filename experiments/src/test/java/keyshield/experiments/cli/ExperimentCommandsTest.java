package keyshield.experiments.cli;

import keyshield.attacks.LossReduction;
import keyshield.attacks.Norm;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.AttackProtocol;
import keyshield.experiments.run.DefendedModel;
import keyshield.experiments.run.EpsSweep;
import keyshield.experiments.run.Experiment;
import keyshield.experiments.run.KeySource;
import keyshield.experiments.run.KeyedFinetune;
import keyshield.experiments.run.Pretrain;
import keyshield.experiments.run.RobustEval;
import keyshield.experiments.run.TinyWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The experiment commands ({@code pretrain}, {@code finetune}, {@code eval}, {@code sweep}): help, flags, refusals, a resumable run. */
class ExperimentCommandsTest {
    @TempDir Path dir;

    /** Exit code, stdout and stderr of one command line. */
    private record Ran(int code, String out, String err) {}

    private static Ran run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cli = KeyshieldCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Ran(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pretrain", "finetune", "eval", "sweep", "table"})
    void everyCommandExplainsItselfWithTheSharedRunOptions(String command) {
        Ran r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--preset", "--experiment", "--run-dir", "--resume", "--out", "--print-experiment");
    }

    @Test
    void flagsOverrideThePresetAndAreValidatedByTheRecord() throws Exception {
        Ran r = run("pretrain", "--preset", "fashionDemo", "--data", dir.toString(), "--epochs", "0.5", "--train-images", "100", "--print-experiment");
        assertThat(r.code()).as(r.err()).isZero();
        Pretrain p = (Pretrain) ResultFiles.JSON.readValue(r.out(), Experiment.class);
        assertThat(p.recipe().epochs()).isEqualTo(0.5);
        assertThat(p.trainImages()).isEqualTo(100);
        assertThat(p.data()).isEqualTo(new keyshield.experiments.run.DataSource.FashionMnistIdx(dir));

        r = run("finetune", "--preset", "cifarFull", "--block", "8", "--seed", "5", "--print-experiment");
        KeyedFinetune f = (KeyedFinetune) ResultFiles.JSON.readValue(r.out(), Experiment.class);
        assertThat(f.key()).isEqualTo(new KeySource.Seeded(8, 5));
        assertThat(f.seed()).isEqualTo(5);

        r = run("eval", "--preset", "cifarPlainWhiteBox", "--protocol", "ADAPTIVE", "--source", "sub.safetensors", "--source-key", "guess.key",
                "--eps", "4/255", "--attack", "autoattack", "--print-experiment");
        RobustEval e = (RobustEval) ResultFiles.JSON.readValue(r.out(), Experiment.class);
        assertThat(e.protocol()).isEqualTo(AttackProtocol.ADAPTIVE);
        assertThat(e.source()).isEqualTo(new DefendedModel("sub", new keyshield.experiments.run.BaseModel(Path.of("sub.safetensors"), 3, e.target().weights().normalization()),
                new KeySource.FromFile(Path.of("guess.key"))));
        assertThat(e.threat()).isEqualTo(ThreatModel.linf(4.0 / 255));
        assertThat(e.attacks()).hasSize(4);

        r = run("sweep", "--preset", "cifarPlain", "--eps", "0,8/255", "--attack-images", "10", "--print-experiment");
        EpsSweep s = (EpsSweep) ResultFiles.JSON.readValue(r.out(), Experiment.class);
        assertThat(s.eps()).containsExactly(0.0, 8 / 255.0);
        assertThat(s.attackImages()).isEqualTo(10);
    }

    @Test
    void badCombinationsAreUsageErrorsWithAMessage() throws Exception {
        assertThat(run("pretrain").err()).contains("give either --preset NAME or --experiment FILE");
        Ran both = run("finetune", "--preset", "cifarLora", "--key", "k.key", "--block", "4");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--key KEYFILE or --block M, not both");
        Ran bad = run("finetune", "--preset", "cifarLora", "--train-images", "-3", "--print-experiment");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("trainImages must be >= 0 (0 = all) but is -3");
        Path file = dir.resolve("pre.json");
        ResultFiles.writeJson(file, Pretrain.fashionDemo(dir));
        Ran wrongKind = run("eval", "--experiment", file.toString());
        assertThat(wrongKind.code()).isEqualTo(2);
        assertThat(wrongKind.err()).contains("holds a pretrain experiment, not a robust-eval one");
        Ran missing = run("sweep", "--preset", "cifarPlain", "--shared", dir.resolve("nowhere").toString(), "--run-dir", dir.resolve("r").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("nowhere");
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void anExperimentFileRunsAndResumes() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        EpsSweep s = new EpsSweep("cli-sweep", w.data(), List.of(DefendedModel.plain("plain", w.base())), Norm.LINF, List.of(0.0, 4 / 255.0),
                new PgdSpec(2, 1 / 255.0, true, LossReduction.MEAN, Targeting.UNTARGETED), EpsSweep.StepRule.QUARTER_EPS, 20, 0, 50, 10, 1);
        Path file = dir.resolve("sweep.json"), runDir = dir.resolve("sweep.run"), out = dir.resolve("out/sweep.json");
        ResultFiles.writeJson(file, s);
        String[] args = {"sweep", "--experiment", file.toString(), "--run-dir", runDir.toString(), "--out", out.toString()};
        Ran first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(ResultFiles.readJson(out, keyshield.experiments.run.EpsSweepRun.Result.class).markdown()).contains("| plain");
        assertThat(dir.resolve("out/sweep.png")).exists();
        assertThat(run(args).err()).contains("already holds a run; pass --resume");
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        Ran again = run(resume);
        assertThat(again.code()).isZero();
        assertThat(Files.readString(out)).contains("\"experiment\" : \"eps-sweep\"");
    }
}
