package keyshield.experiments.run;

import keyshield.attacks.Norm;
import keyshield.defense.wavelet.DenoiseTransform;
import keyshield.defense.wavelet.ImageMetrics;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.Split;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.WaveletDefenseRun.Kind;
import keyshield.experiments.run.WaveletDefenseRun.Result;
import keyshield.experiments.run.WaveletDefenseRun.Row;
import keyshield.nn.resnet.ResNet;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A toy-scale wavelet defense run end to end on synthetic IDX images (three ResNets of width 4, both
 * denoisers, FGSM, BIM, DeepFool and BPDA-PGD), run once for all tests; each test checks one property of
 * what it produced against an independent recount from the files in the run directory.
 */
class WaveletDefenseRunTest {
    @TempDir static Path tmp;
    static WaveletDefense experiment;
    static Path runDir;
    static Result result;
    static Dataset test, attacked;

    @BeforeAll
    static void runOnce() throws IOException {
        TinyWorld world = TinyWorld.create(tmp.resolve("world"), 192, 5);
        experiment = WaveletDefenseTest.tiny(world.source());
        runDir = tmp.resolve("tiny.run");
        result = WaveletDefenseRun.run(experiment, RunDir.open(runDir, experiment, false), quiet());
        Dataset full = experiment.data().open(Split.TEST);
        test = full.spread(experiment.testImages());
        attacked = full.every(experiment.attackEvery()).spread(experiment.attackImages());
    }

    private static PrintStream quiet() { return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8); }

    @Test
    void theTableHasEveryPipelineAndAttack() {
        assertThat(result.pipelines()).containsExactly("standard", "standard + haar", "standard + db2", "haar-trained", "haar-trained + haar",
                "db2-trained", "db2-trained + db2");
        assertThat(result.rows()).extracting(Row::attack).containsExactly("clean", "FGSM eps=0.03", "BIM eps=0.03", "DeepFool", "BPDA-PGD eps=0.03");
        assertThat(result.rows()).extracting(Row::kind).containsExactly(Kind.CLEAN, Kind.TRANSFER, Kind.TRANSFER, Kind.TRANSFER, Kind.ADAPTIVE);
        for (Row r : result.rows()) {
            assertThat(r.accuracy().keySet()).as(r.attack()).containsExactlyElementsOf(result.pipelines());
            assertThat(r.accuracy().values()).as(r.attack()).allSatisfy(a -> assertThat(a).isBetween(0.0, 100.0));
        }
        assertThat(result.training()).extracting(WaveletDefenseRun.Trained::steps).containsOnly(4L);
        assertThat(result.cleanImages()).isEqualTo(60);
        assertThat(result.attackedImages()).isEqualTo(12);
        assertThat(result.markdown()).contains("| attack ").contains("haar-trained + haar").contains("BPDA-PGD eps=0.03 (adaptive)")
                .contains("PSNR (dB)").contains("DeepFool");
    }

    @Test
    void cleanAndTransferAccuracyEqualARecountFromTheSavedWeightsAndExamples() throws IOException {
        Map<String, Double> clean = result.rows().get(0).accuracy(), fgsm = result.rows().get(1).accuracy();
        INDArray advFgsm = saved("transfer FGSM eps=0.03");
        for (WaveletPipeline p : pipelines()) {
            assertThat(clean.get(p.label())).as("clean accuracy of %s", p.label()).isEqualTo(percentCorrect(p, test.images(), test.labels()));
            assertThat(fgsm.get(p.label())).as("FGSM accuracy of %s", p.label()).isEqualTo(percentCorrect(p, advFgsm, attacked.labels()));
        }
    }

    @Test
    void transferAndAdaptiveExamplesStayWithinTheirBudgetAndTheImageRange() throws IOException {
        INDArray x = attacked.images();
        for (NamedAttack a : experiment.transferAttacks()) checkBudget(a, x, saved("transfer " + a.name()));
        for (NamedAttack a : experiment.adaptiveAttacks())
            for (String p : result.pipelines()) checkBudget(a, x, saved("adaptive " + a.name() + " on " + p));
        WaveletDefenseRun.Perturbation fgsm = result.perturbations().get(0);
        assertThat(fgsm.maxLinf()).as("FGSM moves some pixel by the full ε").isCloseTo(0.03, within(1e-6));
    }

    private static void checkBudget(NamedAttack a, INDArray x, INDArray adv) {
        assertThat(adv.shape()).isEqualTo(x.shape());
        assertThat(adv.minNumber().doubleValue()).as("%s: min pixel", a.name()).isGreaterThanOrEqualTo(0.0);
        assertThat(adv.maxNumber().doubleValue()).as("%s: max pixel", a.name()).isLessThanOrEqualTo(1.0);
        double[] norms = a.threat().norm().norms(adv.sub(x).reshape(x.size(0), -1)).toDoubleVector();
        for (double n : norms) assertThat(n).as("%s: ‖x_adv − x‖ (%s)", a.name(), a.threat().norm()).isLessThanOrEqualTo(a.threat().eps() + 1e-6);
        if (a.threat().norm() == Norm.LINF)
            assertThat(java.util.Arrays.stream(norms).max().orElseThrow()).as("%s changes the images", a.name()).isPositive();
    }

    @Test
    void denoisedImagesAreClippedToTheImageRangeAndThePsnrIsARecount() throws IOException {
        INDArray clean = test.images(), adv = saved("transfer BIM eps=0.03");
        for (Denoiser d : experiment.denoisers()) {
            DenoiseTransform t = d.transform();
            for (INDArray x : List.of(clean, adv)) {
                INDArray y = t.apply(x);
                assertThat(y.minNumber().doubleValue()).as("%s: min", d.name()).isGreaterThanOrEqualTo(0.0);
                assertThat(y.maxNumber().doubleValue()).as("%s: max", d.name()).isLessThanOrEqualTo(1.0);
            }
            INDArray y = t.apply(clean);
            double mse = IntStream.range(0, test.size()).mapToDouble(i -> ImageMetrics.mse(clean.slice(i), y.slice(i))).average().orElseThrow();
            double psnr = IntStream.range(0, test.size()).mapToDouble(i -> ImageMetrics.psnr(clean.slice(i), y.slice(i))).average().orElseThrow();
            WaveletDefenseRun.Fidelity f = result.fidelity().stream().filter(q -> q.denoiser().equals(d.name())).findFirst().orElseThrow();
            assertThat(f.unchanged()).as("%s changes every noisy image", d.name()).isZero();
            assertThat(f.mse()).as("%s MSE", d.name()).isPositive().isCloseTo(mse, within(1e-12));
            assertThat(f.psnr()).as("%s PSNR", d.name()).isCloseTo(psnr, within(1e-9));
        }
    }

    @Test
    void resumingTheFinishedRunGivesTheSameResultWithoutRecomputing() throws IOException {
        TreeMap<String, String> before = snapshot(runDir);
        List<Provenance.Invocation> earlier = List.of(ResultFiles.JSON.readValue(runDir.resolve("invocations.json").toFile(), Provenance.Invocation[].class));
        Result again = WaveletDefenseRun.run(experiment, RunDir.open(runDir, experiment, true), quiet());
        assertThat(again.rows()).isEqualTo(result.rows());
        assertThat(again.fidelity()).isEqualTo(result.fidelity());
        assertThat(again.perturbations()).isEqualTo(result.perturbations());
        assertThat(again.training()).isEqualTo(result.training());
        assertThat(again.markdown()).isEqualTo(result.markdown());
        TreeMap<String, String> after = snapshot(runDir);
        for (String everyInvocation : new String[] {"time.json", "invocations.json"}) {
            before.remove(everyInvocation);
            after.remove(everyInvocation);
        }
        assertThat(after).as("no stage, checkpoint, weight or attack file is written again").isEqualTo(before);
        assertThat(again.provenance().invocations()).as("the resume is recorded after the earlier invocations")
                .hasSize(earlier.size() + 1).startsWith(earlier.toArray(new Provenance.Invocation[0]));
    }

    @Test
    void aPipelineStageLostInAKillIsRecomputedToTheSameNumbersAndExamples() throws IOException {
        Path copy = tmp.resolve("killed.run");
        try (Stream<Path> s = Files.walk(runDir)) {
            for (Path f : s.toList()) Files.copy(f, copy.resolve(runDir.relativize(f).toString()));
        }
        RunDir dir = RunDir.open(copy, experiment, true);
        String pipeline = "db2-trained + db2", attack = "adaptive BPDA-PGD eps=0.03 on " + pipeline;
        byte[] batch0 = Files.readAllBytes(dir.adversarial(attack, 0));
        Files.delete(copy.resolve("stages").resolve(RunDir.slug("evaluate " + pipeline) + ".json"));
        Files.delete(copy.resolve("stages").resolve(RunDir.slug("clean " + pipeline) + ".json"));
        Files.delete(dir.adversarial(attack, 0));
        Result again = WaveletDefenseRun.run(experiment, dir, quiet());
        assertThat(again.rows()).isEqualTo(result.rows());
        assertThat(Files.readAllBytes(dir.adversarial(attack, 0))).as("the re-crafted batch is bit-identical").isEqualTo(batch0);
    }

    @Test
    void theResultFileRoundTrips() throws IOException {
        Path file = tmp.resolve("result.json");
        ResultFiles.writeJson(file, result);
        Result read = ResultFiles.readJson(file, Result.class);
        assertThat(read.rows()).isEqualTo(result.rows());
        assertThat(read.experiment()).isEqualTo(experiment);
        assertThat(read.markdown()).isEqualTo(result.markdown());
    }

    @Test
    void aNetworkThatDoesNotFitTheDataIsRefusedBeforeTraining() throws IOException {
        WaveletDefense w = experiment;
        WaveletDefense five = new WaveletDefense("five", w.data(), new keyshield.nn.resnet.ResNetConfig(5, 3, w.resnet().stem(), 4, w.resnet().blocks()),
                w.recipe(), w.denoisers(), w.transferAttacks(), w.adaptiveAttacks(), w.trainImages(), w.testImages(), w.attackEvery(),
                w.attackImages(), w.evalBatch(), w.attackBatch(), w.checkpointEvery(), w.seed());
        Path dir = tmp.resolve("five.run");
        assertThatThrownBy(() -> WaveletDefenseRun.run(five, RunDir.open(dir, five, false), quiet()))
                .hasMessageContaining("resnet has 5 classes").hasMessageContaining("the data has 10 classes");
        assertThat(dir.resolve("checkpoints")).doesNotExist();
    }

    /** The seven pipelines, rebuilt from the saved weights. */
    private static List<WaveletPipeline> pipelines() throws IOException {
        RunDir dir = RunDir.open(runDir, experiment, true);
        Map<String, ResNet> nets = new LinkedHashMap<>();
        for (String n : experiment.networks())
            nets.put(n, WaveletPipeline.load(new ResNet(experiment.resnet(), Rng.seeded(99)), dir.model("train " + n)));
        return WaveletDefenseRun.pipelines(experiment, nets);
    }

    /** Percentage of images the pipeline labels correctly, counted here batch by batch (the evaluation's batch size). */
    private static double percentCorrect(WaveletPipeline p, INDArray x, int[] y) {
        int correct = 0, batch = experiment.evalBatch();
        p.module().eval();
        for (int from = 0; from < y.length; from += batch) {
            int to = Math.min(y.length, from + batch);
            try (var s = Scope.open(); var noGrad = GradMode.off()) {
                INDArray xb = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).dup();
                INDArray predicted = p.module().forward(Tensor.constant(xb)).value().argMax(1);     // (b)
                for (int i = from; i < to; i++) if (predicted.getInt(i - from) == y[i]) correct++;
            }
        }
        return 100.0 * correct / y.length;
    }

    /** The examples a crafting stage saved, batch after batch, concatenated (N, C, H, W). */
    private static INDArray saved(String stage) throws IOException {
        RunDir dir = RunDir.open(runDir, experiment, true);
        List<INDArray> parts = new ArrayList<>();
        for (int b = 0; Files.exists(dir.adversarial(stage, b)); b++) parts.add(Npz.read(dir.adversarial(stage, b)).get("x_adv"));
        assertThat(parts).as("saved batches of %s", stage).isNotEmpty();
        return Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    /** Every file of the run directory with its size and modification time. */
    private static TreeMap<String, String> snapshot(Path dir) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList())
                m.put(dir.relativize(f).toString(), Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
        }
        return m;
    }
}
