package keyshield.experiments.run;

import keyshield.experiments.cli.KeyshieldCli;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.eval.Accuracy;
import keyshield.experiments.report.ResultFiles;
import keyshield.nn.Sequential;
import keyshield.tensor.io.Npz;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link Pretrain}: validation, JSON, and a tiny run whose weight file reloads anywhere and reproduces its numbers. */
class PretrainTest {
    @TempDir Path dir;

    @Test
    void presetsRoundTripThroughJson() throws Exception {
        for (Pretrain p : List.of(Pretrain.cifarVit(Path.of("../shared")), Pretrain.fashionDemo(Path.of("/usr/share/datasets/fashion-mnist"))))
            assertThat(TinyWorld.roundTrip(dir, p, Experiment.class)).isEqualTo(p);
        assertThat(Pretrain.cifarVit(Path.of("s")).vit()).isEqualTo(ViTConfig.cifar(10));
        assertThat(Pretrain.fashionDemo(Path.of("f")).vit()).isEqualTo(keyshield.experiments.demo.Demo.Settings.standard().vit());
    }

    @Test
    void refusesBadFieldsNamingThem() {
        DataSource d = new DataSource.FashionMnistIdx(dir);
        Path w = dir.resolve("w.safetensors");
        var n = Normalization.half(3);
        var r = TinyWorld.recipe(1);
        ViTConfig v = TinyWorld.VIT;
        assertThatThrownBy(() -> new Pretrain(" ", d, v, n, r, 0, 0, 1, 1, 0, w)).hasMessageContaining("name");
        assertThatThrownBy(() -> new Pretrain("p", null, v, n, r, 0, 0, 1, 1, 0, w)).hasMessageContaining("data");
        assertThatThrownBy(() -> new Pretrain("p", d, v.withNumClasses(0), n, r, 0, 0, 1, 1, 0, w)).hasMessageContaining("numClasses");
        assertThatThrownBy(() -> new Pretrain("p", d, v, Normalization.half(1), r, 0, 0, 1, 1, 0, w))
                .hasMessageContaining("normalization has 1 channels but vit.inChans is 3");
        assertThatThrownBy(() -> new Pretrain("p", d, v, n, r, -1, 0, 1, 1, 0, w)).hasMessageContaining("trainImages must be >= 0").hasMessageContaining("-1");
        assertThatThrownBy(() -> new Pretrain("p", d, v, n, r, 0, -2, 1, 1, 0, w)).hasMessageContaining("testImages");
        assertThatThrownBy(() -> new Pretrain("p", d, v, n, r, 0, 0, 0, 1, 0, w)).hasMessageContaining("evalBatch must be positive but is 0");
        assertThatThrownBy(() -> new Pretrain("p", d, v, n, r, 0, 0, 1, 0, 0, w)).hasMessageContaining("checkpointEvery");
        assertThatThrownBy(() -> new Pretrain("p", d, v, n, r, 0, 0, 1, 1, 0, dir.resolve("w.onnx"))).hasMessageContaining("weights must name a .safetensors file");
        assertThatThrownBy(() -> new Normalization(List.of(0.5), List.of(0.0))).hasMessageContaining("std");
    }

    @Test
    void trainingLowersTheLossAndTheWeightFileReproducesTheAccuracyEverywhere() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        PretrainRun.Result r = w.result();
        assertThat(r.initial().crossEntropy()).as("test cross-entropy of the initial model").isGreaterThan(2.0);   // ≈ ln 10
        assertThat(r.trained().crossEntropy()).as("test cross-entropy after training").isLessThan(r.initial().crossEntropy() - 0.3);
        assertThat(r.trained().accuracy()).as("clean accuracy after training; chance is 10%").isGreaterThan(40);
        assertThat(r.training().steps()).isEqualTo(75);                                    // 3 epochs of 400 / 16 batches
        assertThat(r.parameters()).isEqualTo(TinyWorld.VIT.parameterCount());

        Path weights = w.experiment().weights();
        VisionTransformer vit = ViTWeights.load(weights, OptionalInt.of(2), DataType.FLOAT);
        assertThat(vit.config()).isEqualTo(TinyWorld.VIT);
        Dataset test = w.data().open(Split.TEST);
        Accuracy.Result recount = Accuracy.of(new Sequential(Normalization.half(3).module(), vit), test, 17, done -> { });
        assertThat(recount.percent()).isEqualTo(r.trained().accuracy());
        assertThat(recount.meanCrossEntropy()).isCloseTo(r.trained().crossEntropy(), within(1e-4));

        Path in = dir.resolve("x.npz"), out = dir.resolve("logits.npz");                    // ./keyshield predict loads it too
        Npz.write(in, Map.of("x", test.images(new int[] {0, 1, 2})));
        assertThat(KeyshieldCli.commandLine().execute("predict", "--model", weights.toString(), "--heads", "2", "--input", in.toString(),
                "--out", out.toString())).isZero();
        assertThat(Npz.read(out).get("logits").shape()).containsExactly(3, 10);

        assertThat(ResultFiles.readJson(w.resultJson(), PretrainRun.Result.class)).isEqualTo(r);
        assertThat(Files.readString(w.resultJson())).contains("\"experiment\" : \"pretrain\"");
    }

    @Test
    void resumingAFinishedRunRecomputesNothing() throws Exception {
        TinyWorld.Pretrained w = TinyWorld.pretrained();
        var before = TinyWorld.work(w.runDir());
        var weightsTime = Files.getLastModifiedTime(w.experiment().weights());
        PretrainRun.Result again = (PretrainRun.Result) Runner.run(w.experiment(), w.runDir(), true, dir.resolve("again.json"), TinyWorld.sink()).result();
        assertThat(again.trained()).isEqualTo(w.result().trained());
        assertThat(again.initial()).isEqualTo(w.result().initial());
        assertThat(again.training()).isEqualTo(w.result().training());
        assertThat(again.markdown()).isEqualTo(w.result().markdown());
        assertThat(TinyWorld.work(w.runDir())).as("no stage, checkpoint or model file rewritten").isEqualTo(before);
        assertThat(Files.getLastModifiedTime(w.experiment().weights())).isEqualTo(weightsTime);
        assertThatThrownBy(() -> Runner.run(w.experiment(), w.runDir(), false, dir.resolve("x.json"), TinyWorld.sink()))
                .hasMessageContaining("already holds a run; pass --resume");
    }
}
