package keyshield.experiments.run;

import keyshield.attacks.DeepFoolSpec;
import keyshield.attacks.FgsmSpec;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.defense.wavelet.DenoiseOptions;
import keyshield.defense.wavelet.ShrinkMethod;
import keyshield.defense.wavelet.Threshold;
import keyshield.defense.wavelet.Wavelet;
import keyshield.experiments.cli.KeyshieldCli;
import keyshield.experiments.data.Augmentation;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.train.TrainRecipe;
import keyshield.nn.resnet.ResNetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wavelet defense experiment record: its preset, validation naming the field, JSON round trips, the command line. */
class WaveletDefenseTest {
    @TempDir Path tmp;

    /**
     * A toy-scale experiment on {@code source}: ResNets of width 4 with one block a stage, 4 training steps each,
     * 60 clean and 12 attacked images in one attack batch, and cheap versions of the attacks (BIM 3 steps,
     * DeepFool at most 3 iterations over 3 candidate classes, BPDA-PGD 2 steps) under the preset's names.
     */
    static WaveletDefense tiny(DataSource source) {
        double eps = 0.03;
        return new WaveletDefense("tiny-wavelet", source, new ResNetConfig(10, 3, ResNetConfig.Stem.CIFAR, 4, List.of(1, 1, 1, 1)),
                new TrainRecipe(1, 16, 3e-3, 0.05, 0, 0.15, Augmentation.cifar()),
                List.of(Denoiser.bayesSoft("haar", Wavelet.HAAR), Denoiser.bayesSoft("db2", Wavelet.DB2)),
                List.of(WaveletDefense.fgsm(eps),
                        new NamedAttack("BIM eps=" + eps, new PgdSpec(3, 0.2 * eps, false, LossReduction.SUM, Targeting.UNTARGETED), ThreatModel.linf(eps)),
                        new NamedAttack("DeepFool", new DeepFoolSpec(3, 0.02, 3), ThreatModel.l2(Math.sqrt(3 * 32 * 32)))),
                List.of(new NamedAttack("BPDA-PGD eps=" + eps, PgdSpec.madry(2, eps / 2), ThreatModel.linf(eps))),
                64, 60, 3, 12, 32, 12, 2, 7);
    }

    @Test
    void thePresetIsThePublishedGridAtTheStatedBudget() {
        WaveletDefense w = WaveletDefense.cifarWavelet(tmp);
        assertThat(w.resnet()).isEqualTo(ResNetConfig.resnet18Cifar(10));
        assertThat(w.denoisers()).extracting(Denoiser::name).containsExactly("haar", "db2");
        assertThat(w.denoisers()).extracting(d -> d.options().method()).containsOnly(ShrinkMethod.BAYES);
        assertThat(w.transferAttacks()).extracting(NamedAttack::name).containsExactly("FGSM eps=0.004", "FGSM eps=0.007", "FGSM eps=0.01",
                "BIM eps=0.004", "BIM eps=0.007", "BIM eps=0.01", "DeepFool");
        NamedAttack bim = w.transferAttacks().get(5);
        assertThat(bim.attack()).isInstanceOf(PgdSpec.class);
        assertThat(((PgdSpec) bim.attack()).randomStart()).as("BIM starts at x").isFalse();
        assertThat(((PgdSpec) bim.attack()).stepSize()).isEqualTo(0.2 * 0.01);
        assertThat(w.transferAttacks().get(0).attack()).isEqualTo(FgsmSpec.standard());
        assertThat(w.adaptiveAttacks()).extracting(NamedAttack::threat).containsExactly(ThreatModel.linf(0.01));
        assertThat(w.networks()).containsExactly("standard", "haar-trained", "db2-trained");
        assertThat(w.recipe().batchSize()).isEqualTo(64);
        assertThat(w.recipe().epochs()).isEqualTo(0.6);
        assertThat(w.attackEvery()).isEqualTo(20);
        assertThat(w.attackImages()).isEqualTo(500);
        assertThat(w.testImages()).isEqualTo(2000);
    }

    @Test
    void invalidValuesAreRefusedNamingTheField() {
        WaveletDefense w = tiny(new DataSource.FashionMnistIdx(tmp));
        Denoiser haar = w.denoisers().get(0);
        assertThatThrownBy(() -> with(w, List.of(), w.transferAttacks(), 1, 1)).hasMessageContaining("denoisers must hold at least one entry");
        assertThatThrownBy(() -> with(w, List.of(haar, Denoiser.bayesSoft("HAAR", Wavelet.DB4)), w.transferAttacks(), 1, 1))
                .hasMessageContaining("denoisers must have distinct names").hasMessageContaining("[haar, HAAR]");
        assertThatThrownBy(() -> with(w, w.denoisers(), List.of(), 1, 1)).hasMessageContaining("transferAttacks must hold at least one entry");
        assertThatThrownBy(() -> with(w, w.denoisers(), List.of(WaveletDefense.fgsm(0.01), WaveletDefense.fgsm(0.01)), 1, 1))
                .hasMessageContaining("distinct names").hasMessageContaining("FGSM eps=0.01");
        assertThatThrownBy(() -> with(w, w.denoisers(), w.transferAttacks(), 0, 1)).hasMessageContaining("attackEvery must be positive but is 0");
        assertThatThrownBy(() -> with(w, w.denoisers(), w.transferAttacks(), 1, 0)).hasMessageContaining("attackBatch must be positive but is 0");
        assertThatThrownBy(() -> w.scaledDown(-1, 0, 0, 1)).hasMessageContaining("trainImages must be >= 0 (0 = all) but is -1");
        assertThatThrownBy(() -> w.scaledDown(0, 0, -2, 1)).hasMessageContaining("attackImages must be >= 0 (0 = all) but is -2");
        assertThatThrownBy(() -> w.scaledDown(0, 0, 0, 0)).hasMessageContaining("epochs must be positive");
        assertThatThrownBy(() -> new Denoiser("my haar", haar.options())).hasMessageContaining("Denoiser: name").hasMessageContaining("'my haar'");
        assertThatThrownBy(() -> new NamedAttack(" ", FgsmSpec.standard(), ThreatModel.linf(0.1))).hasMessageContaining("NamedAttack: name");
        assertThatThrownBy(() -> new NamedAttack("FGSM", FgsmSpec.standard(), null)).hasMessageContaining("NamedAttack FGSM: threat");
    }

    private static WaveletDefense with(WaveletDefense w, List<Denoiser> denoisers, List<NamedAttack> transfer, int attackEvery, int attackBatch) {
        return new WaveletDefense(w.name(), w.data(), w.resnet(), w.recipe(), denoisers, transfer, w.adaptiveAttacks(), w.trainImages(),
                w.testImages(), attackEvery, w.attackImages(), w.evalBatch(), attackBatch, w.checkpointEvery(), w.seed());
    }

    @Test
    void experimentsRoundTripThroughJson() throws Exception {
        Denoiser fixed = new Denoiser("visu", new DenoiseOptions(Wavelet.DB4, ShrinkMethod.VISU, Threshold.HARD, OptionalDouble.of(0.02),
                OptionalInt.of(2), false));
        WaveletDefense tiny = tiny(new DataSource.FashionMnistIdx(tmp.resolve("fashion")));
        for (WaveletDefense w : List.of(WaveletDefense.cifarWavelet(tmp), tiny, with(tiny, List.of(fixed), tiny.transferAttacks(), 2, 3))) {
            String json = ResultFiles.JSON.writeValueAsString(w);
            assertThat(json).contains("\"experiment\" : \"wavelet-defense\"");
            assertThat(ResultFiles.JSON.readValue(json, Experiment.class)).isEqualTo(w);
        }
        assertThat(ResultFiles.JSON.writeValueAsString(fixed)).contains("\"sigma\" : 0.02").contains("\"levels\" : 2");
        assertThat(ResultFiles.JSON.writeValueAsString(WaveletDefense.cifarWavelet(tmp))).as("estimated σ, default levels").contains("\"sigma\" : null");
    }

    @Test
    void theCommandLinePrintsThePresetAndScalesItDown() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = KeyshieldCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(cli.execute("table", "--preset", "cifarWavelet", "--shared", tmp.toString(), "--print-experiment")).isZero();
        Path file = tmp.resolve("wavelet.json");
        Files.writeString(file, out.toString());
        assertThat(Runner.read(file)).isEqualTo(WaveletDefense.cifarWavelet(tmp));

        out.getBuffer().setLength(0);
        assertThat(cli.execute("table", "--preset", "cifarWavelet", "--shared", tmp.toString(), "--train-images", "640", "--test-images", "100",
                "--attack-images", "20", "--epochs", "1", "--print-experiment")).isZero();
        Files.writeString(file, out.toString());
        assertThat(Runner.read(file)).isEqualTo(WaveletDefense.cifarWavelet(tmp).scaledDown(640, 100, 20, 1));
    }

    @Test
    void aRunWithMissingDataStopsBeforeItStarts() {
        WaveletDefense w = WaveletDefense.cifarWavelet(tmp.resolve("missing"));
        assertThatThrownBy(() -> Runner.run(w, tmp.resolve("r"), false, tmp.resolve("r.json"), System.out))
                .hasMessageContaining(tmp.resolve("missing").resolve("data/cifar10").toString());
        assertThat(tmp.resolve("r")).as("no run directory is made").doesNotExist();
    }
}
