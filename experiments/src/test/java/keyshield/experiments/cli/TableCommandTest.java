package keyshield.experiments.cli;

import keyshield.experiments.report.BuildCommit;
import keyshield.experiments.report.Provenance;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.Experiment;
import keyshield.experiments.run.RunDir;
import keyshield.experiments.run.Runner;
import keyshield.experiments.run.TableOne;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `keyshield table`: presets construct and validate, fail early when inputs are missing, and round-trip as experiment JSON. */
class TableCommandTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter(), err = new StringWriter();

    int run(String... args) { return KeyCommandTest.cli(out, err).execute(args); }

    @Test
    void thePaperPresetFailsAtOnceNamingWhatIsMissing() {
        Path imagenet = tmp.resolve("imagenet"), weights = tmp.resolve("vit_base_patch16_224.augreg_in21k.safetensors");
        assertThat(run("table", "--preset", "imagenetPaper", "--imagenet", imagenet.toString(), "--weights", weights.toString(),
                "--run-dir", tmp.resolve("run").toString())).isEqualTo(2);
        assertThat(err.toString()).contains(imagenet.resolve("train").toString()).contains("<class>/<image>");
        assertThat(tmp.resolve("run")).as("nothing is started").doesNotExist();

        assertThat(run("table", "--preset", "imagenetPaper")).isEqualTo(2);
        assertThat(err.toString()).contains("--imagenet DIR").contains("--weights FILE");
    }

    @Test
    void missingWeightsAreNamedToo() throws Exception {
        Path imagenet = tmp.resolve("imagenet");
        Files.createDirectories(imagenet.resolve("train"));
        Files.createDirectories(imagenet.resolve("val"));
        TableOne t = TableOne.imagenetPaper(imagenet, tmp.resolve("none.safetensors"));
        assertThatThrownBy(t::requireInputs).hasMessageContaining("none.safetensors").hasMessageContaining("12 heads");
    }

    @Test
    void thePaperPresetIsThePapersGrid() {
        TableOne t = TableOne.imagenetPaper(tmp, tmp.resolve("w.safetensors"));
        assertThat(t.blockSizes()).containsExactly(4, 8, 16);
        assertThat(t.lora().r()).isEqualTo(16);
        assertThat(t.threat().eps()).isEqualTo(4.0 / 255);
        assertThat(t.attacks()).hasSize(4);
        assertThat(t.attackEvery()).isEqualTo(10);
        assertThat(t.attackImages()).isEqualTo(5000);
    }

    @Test
    void printedExperimentsReadBackEqual() throws Exception {
        assertThat(run("table", "--preset", "cifarCpu", "--shared", tmp.toString(), "--print-experiment")).isZero();
        Path file = tmp.resolve("cifar.json");
        Files.writeString(file, out.toString());
        assertThat(Runner.read(file)).isEqualTo(TableOne.cifarCpu(tmp));
    }

    @Test
    void aBrokenExperimentFileIsNamed() throws Exception {
        Path file = tmp.resolve("bad.json");
        Files.writeString(file, "{\"experiment\": \"table-one\", \"name\": \"x\", \"blockSizes\": [4]}");
        assertThatThrownBy(() -> Runner.read(file)).hasMessageContaining(file.toString());
        Files.writeString(file, "{\"experiment\": \"no-such-kind\"}");
        assertThatThrownBy(() -> Runner.read(file)).hasMessageContaining("no-such-kind");
    }

    @Test
    void aUsedRunDirectoryNeedsResumeAndTheSameExperiment() throws Exception {
        TableOne a = TableOne.cifarCpu(tmp), b = a.scaledDown(100, 100, 10, 0.1);
        Path dir = tmp.resolve("run");
        RunDir.open(dir, a, false);
        assertThatThrownBy(() -> RunDir.open(dir, a, false)).hasMessageContaining("--resume");
        RunDir.open(dir, a, true);
        assertThatThrownBy(() -> RunDir.open(dir, b, true)).hasMessageContaining("another experiment");
    }

    /** Each invocation is recorded with the commit of its code, earlier ones kept, so a resumed result names all the code that made it. */
    @Test
    void everyInvocationOfARunIsRecorded() throws Exception {
        TableOne a = TableOne.cifarCpu(tmp);
        Path dir = tmp.resolve("run");
        var first = RunDir.open(dir, a, false).invocations();
        assertThat(first).hasSize(1);
        assertThat(first.get(0).gitCommit()).isEqualTo(BuildCommit.ofThisBuild().commit());
        var second = RunDir.open(dir, a, true).invocations();
        assertThat(second).hasSize(2).startsWith(first.get(0));
        assertThat(second.get(1).started()).isAfterOrEqualTo(first.get(0).started());
        assertThat(RunDir.open(dir, a, true).invocations()).hasSize(3).startsWith(second.toArray(new Provenance.Invocation[0]));
    }

    @Test
    void aCorruptListOfInvocationsIsNamed() throws Exception {
        TableOne a = TableOne.cifarCpu(tmp);
        Path dir = tmp.resolve("run");
        RunDir.open(dir, a, false);
        Files.writeString(dir.resolve("invocations.json"), "[{\"started\": 17");
        assertThatThrownBy(() -> RunDir.open(dir, a, true)).hasMessageContaining(dir.resolve("invocations.json").toString())
                .hasMessageContaining("not a readable list of invocations");
    }

    @Test
    void recordsRefuseBadValuesNamingThem() {
        TableOne t = TableOne.cifarCpu(tmp);
        assertThatThrownBy(() -> new TableOne(t.name(), t.data(), t.base(), List.of(4, 4), t.tunings(), t.fullRecipe(), t.loraRecipe(), t.lora(),
                t.attacks(), t.threat(), 0, 0, 10, 0, 1, 1, 1, 1)).hasMessageContaining("repeated block sizes [4, 4]");
        assertThatThrownBy(() -> new TableOne(t.name(), t.data(), t.base(), t.blockSizes(), t.tunings(), t.fullRecipe(), t.loraRecipe(), t.lora(),
                List.of(), t.threat(), 0, 0, 10, 0, 1, 1, 1, 1)).hasMessageContaining("no attacks");
        assertThatThrownBy(() -> t.scaledDown(-1, 0, 0, 1)).hasMessageContaining("≥ 0");
    }

    @Test
    void aRunWithMissingDataStopsBeforeItStarts() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Experiment e = TableOne.cifarCpu(tmp.resolve("missing"));
        assertThatThrownBy(() -> Runner.run(e, tmp.resolve("r"), false, tmp.resolve("r.json"), new PrintStream(buf, true, StandardCharsets.UTF_8)))
                .hasMessageContaining(tmp.resolve("missing").resolve("data/cifar10").toString());
        assertThat(tmp.resolve("r")).as("no run directory is made").doesNotExist();
        assertThat(ResultFiles.JSON.writeValueAsString(e)).contains("\"experiment\" : \"table-one\"");
    }
}
