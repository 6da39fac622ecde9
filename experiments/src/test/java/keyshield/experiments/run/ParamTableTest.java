package keyshield.experiments.run;

import keyshield.experiments.cli.KeyshieldCli;
import keyshield.experiments.report.ResultFiles;
import keyshield.lora.Lora;
import keyshield.lora.LoraConfig;
import keyshield.lora.LoraModel;
import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ParamTable}: the paper's Table II figures, counts that match a model with real adapters, validation, JSON, the CLI. */
class ParamTableTest {
    @TempDir Path dir;

    @Test
    void givesTheFiguresOfTableII() throws Exception {
        ParamTableRun.Result r = (ParamTableRun.Result) Runner.run(ParamTable.paper(), dir.resolve("run"), false, dir.resolve("p.json"), TinyWorld.sink())
                .result();
        assertThat(r.rows()).extracting(ParamTableRun.Counted::label).containsExactly("ViT-B/16 full", "ViT-B/16 LoRA r16", "CIFAR ViT full", "CIFAR ViT LoRA r16");
        long b16 = ViTConfig.base16(1000).parameterCount();
        ParamTableRun.Counted full = r.rows().get(0), lora = r.rows().get(1);
        assertThat(full.total()).isEqualTo(b16);
        assertThat(full.trainable()).isEqualTo(b16);
        assertThat(lora.trainable()).as("Table II: LoRA r 16 on qkv and patch embedding, head trainable").isEqualTo(1_383_400);
        long head = 768 * 1000 + 1000;
        assertThat(lora.total()).as("the base once plus the adapter factors").isEqualTo(b16 + lora.trainable() - head);
        assertThat(r.markdown()).contains("86,567,656").contains("1,383,400").contains("1.59");
        assertThat(ResultFiles.readJson(dir.resolve("p.json"), ParamTableRun.Result.class)).isEqualTo(r);
    }

    @Test
    void cifarCountsAreThoseOfTheModelWithRealAdapters() throws Exception {
        ParamTableRun.Result r = (ParamTableRun.Result) Runner.run(ParamTable.paper(), dir.resolve("run"), false, dir.resolve("p.json"), TinyWorld.sink())
                .result();
        VisionTransformer vit = new VisionTransformer(ViTConfig.cifar(10), Rng.seeded(0));
        assertThat(r.rows().get(2).total()).isEqualTo(vit.parameterCount());
        LoraModel lora = Lora.apply(vit, LoraConfig.paper(16), Rng.seeded(1));
        assertThat(r.rows().get(3).trainable()).isEqualTo(lora.trainableCount());
        assertThat(r.rows().get(3).total()).isEqualTo(vit.parameterCount());
    }

    @Test
    void refusesBadRowsNamingThem() {
        ViTConfig c = ViTConfig.cifar(10);
        assertThatThrownBy(() -> new ParamTable.Row("r", c, Tuning.LORA, null)).hasMessageContaining("lora must be given");
        assertThatThrownBy(() -> new ParamTable.Row("r", c, Tuning.FULL, LoraConfig.paper(4))).hasMessageContaining("lora must be absent");
        assertThatThrownBy(() -> new ParamTable.Row("r", c, Tuning.LORA, LoraConfig.of(4, 4, List.of("classifier"), List.of())))
                .hasMessageContaining("ParamTable row r: lora does not fit vit").hasMessageContaining("'classifier'");
        assertThatThrownBy(() -> new ParamTable("t", List.of())).hasMessageContaining("rows must hold at least one");
        var row = new ParamTable.Row("same", c, Tuning.FULL, null);
        assertThatThrownBy(() -> new ParamTable("t", List.of(row, row))).hasMessageContaining("rows has the label 'same' twice");
    }

    @Test
    void roundTripsThroughJsonAndRunsFromTheTableCommand() throws Exception {
        assertThat(TinyWorld.roundTrip(dir, ParamTable.paper(), Experiment.class)).isEqualTo(ParamTable.paper());
        String[] args = {"table", "--preset", "paramTable", "--run-dir", dir.resolve("cli.run").toString(), "--out", dir.resolve("cli.json").toString()};
        assertThat(KeyshieldCli.commandLine().execute(args)).isZero();
        ParamTableRun.Result r = ResultFiles.readJson(dir.resolve("cli.json"), ParamTableRun.Result.class);
        assertThat(r.experiment()).isEqualTo(ParamTable.paper());
        var before = TinyWorld.work(dir.resolve("cli.run"));
        assertThat(KeyshieldCli.commandLine().execute(args)).as("the run directory holds a run: refused without --resume").isEqualTo(2);
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        assertThat(KeyshieldCli.commandLine().execute(resume)).isZero();
        assertThat(TinyWorld.work(dir.resolve("cli.run"))).isEqualTo(before);
        assertThat(ResultFiles.readJson(dir.resolve("cli.json"), ParamTableRun.Result.class).rows()).isEqualTo(r.rows());
    }
}
