package keyshield.lora;

import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import keyshield.vit.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Names, freezing, refusals and the q/v mode of {@link Lora#apply}. */
class LoraApplyTest {
    static final LoraConfig PAPER4 = LoraConfig.paper(4);

    @Test
    void baseKeepsTimmNamesAndTheAdapterGetsPeftNames() {
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        Map<String, INDArray> baseState = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> baseState.put(k, v.dup()));
        LoraModel lora = Lora.apply(m, PAPER4, Rng.seeded(1));

        assertThat(lora.adapterParameters().keySet()).containsExactly(
                "patch_embed.proj.lora_A.default.weight", "patch_embed.proj.lora_B.default.weight",
                "blocks.0.attn.qkv.lora_A.default.weight", "blocks.0.attn.qkv.lora_B.default.weight",
                "blocks.1.attn.qkv.lora_A.default.weight", "blocks.1.attn.qkv.lora_B.default.weight");
        var params = m.namedParameters();
        assertThat(params.get("patch_embed.proj.lora_A.default.weight").shape()).containsExactly(4, 3, 4, 4);
        assertThat(params.get("patch_embed.proj.lora_B.default.weight").shape()).containsExactly(12, 4, 1, 1);
        assertThat(params.get("blocks.0.attn.qkv.lora_A.default.weight").shape()).containsExactly(4, 12);
        assertThat(params.get("blocks.0.attn.qkv.lora_B.default.weight").shape()).containsExactly(36, 4);

        // every base name survives, with the same values, and only adapter names are added
        Map<String, INDArray> adapted = m.stateDict();
        assertThat(adapted.keySet()).containsAll(baseState.keySet());
        assertThat(adapted.keySet()).filteredOn(k -> !baseState.containsKey(k)).containsExactlyInAnyOrderElementsOf(lora.adapterParameters().keySet());
        baseState.forEach((k, v) -> assertThat(adapted.get(k)).as(k).isEqualTo(v));
        // a base checkpoint loads by name into the adapted model
        VisionTransformer other = Tiny.vit(7, DataType.FLOAT);
        Map<String, INDArray> withAdapter = new LinkedHashMap<>(other.stateDict());
        lora.adapterParameters().forEach((k, p) -> withAdapter.put(k, p.data().dup()));
        m.loadStateDict(withAdapter, true);
        Tensor x = Tensor.constant(Tiny.images(3, 2, DataType.FLOAT));
        assertThat(m.forward(x).value()).isEqualTo(other.forward(x).value());   // fresh adapter: the other base exactly

        assertThat(lora.peftName("blocks.1.attn.qkv.lora_B.default.weight")).isEqualTo("base_model.model.blocks.1.attn.qkv.lora_B.default.weight");
        assertThat(lora.peftName("head.weight")).isEqualTo("base_model.model.head.modules_to_save.default.weight");
        assertThat(lora.savedParameters().keySet()).containsExactly("head.weight", "head.bias");
        assertThat(lora.trainableCount()).isEqualTo(m.trainableParameterCount());
    }

    @Test
    void theWrapperSharesTheBaseStorage() {
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        LoraModel lora = Lora.apply(m, PAPER4.withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(1));
        LoraLinear qkv = (LoraLinear) lora.layers().get("blocks.0.attn.qkv");
        assertThat(m.blocks().get(0).attn().qkv()).isSameAs(qkv.base());
        INDArray before = qkv.base().weight().data().dup();
        lora.merge();
        assertThat(qkv.base().weight().data()).isNotEqualTo(before).isEqualTo(m.namedParameters().get("blocks.0.attn.qkv.weight").data());
        assertThat(m.namedParameters().get("blocks.0.attn.qkv.weight").trainable()).isFalse();
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.of(2, 2, List.of("mlp.fc1"), List.of()), Rng.seeded(0)))
                .hasMessageContaining("'blocks.0.mlp.fc1' (Linear) is not supported");
        assertThatThrownBy(() -> Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.of(2, 2, List.of("qkv"), List.of("classifier")), Rng.seeded(0)))
                .hasMessageContaining("module to save pattern 'classifier' matches no module");
        assertThatThrownBy(() -> Lora.apply(Tiny.vit(0, DataType.FLOAT), LoraConfig.of(2, 2, List.of("qkv"), List.of("blocks.0")), Rng.seeded(0)))
                .hasMessageContaining("'blocks.0.attn.qkv' lies inside the module to save 'blocks.0'");
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        Lora.apply(m, PAPER4, Rng.seeded(0));
        assertThatThrownBy(() -> Lora.apply(m, PAPER4, Rng.seeded(0))).hasMessageContaining("already carries a LoRA adapter");
    }

    @Test
    void configValidation() {
        assertThatThrownBy(() -> LoraConfig.paper(0)).hasMessageContaining("rank r must be at least 1 but is 0");
        assertThatThrownBy(() -> LoraConfig.of(2, Double.NaN, List.of("qkv"), List.of())).hasMessageContaining("alpha");
        assertThatThrownBy(() -> PAPER4.withDropout(1.0)).hasMessageContaining("dropout must be in [0, 1) but is 1.0");
        assertThatThrownBy(() -> LoraConfig.of(2, 2, List.of(), List.of())).hasMessageContaining("at least one target");
        assertThatThrownBy(() -> LoraConfig.of(2, 2, List.of("blocks..qkv"), List.of())).hasMessageContaining("bad segment ''");
        assertThatThrownBy(() -> LoraConfig.of(2, 2, List.of("head"), List.of("head"))).hasMessageContaining("both a LoRA target and a module to save");
        assertThat(LoraConfig.matches("blocks.*.attn.qkv", "blocks.11.attn.qkv")).isTrue();
        assertThat(LoraConfig.matches("qkv", "blocks.3.attn.qkv")).isTrue();
        assertThat(LoraConfig.matches("attn.qkv", "blocks.3.attn.qkv.lora_A")).isFalse();
        assertThat(LoraConfig.matches("proj", "blocks.0.attn.proj")).isTrue();
        assertThat(LoraConfig.matches("oj", "blocks.0.attn.proj")).isFalse();
        assertThat(LoraConfig.paper(16).scaling()).isEqualTo(1.0);
    }

    @Test
    void mergeRefusesNonFiniteFactorsAndChangesNothing() {
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        LoraModel lora = Lora.apply(m, PAPER4.withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(1));
        Map<String, INDArray> before = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> before.put(k, v.dup()));
        try (var off = GradMode.off()) {
            lora.adapterParameters().get("blocks.1.attn.qkv.lora_B.default.weight").data().putScalar(new long[] {2, 1}, Float.POSITIVE_INFINITY);
        }
        before.put("blocks.1.attn.qkv.lora_B.default.weight", m.stateDict().get("blocks.1.attn.qkv.lora_B.default.weight").dup());
        assertThatThrownBy(lora::merge).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'blocks.1.attn.qkv'").hasMessageContaining("lora_B.default.weight contains NaN or Inf");
        assertThat(lora.merged()).isFalse();
        before.forEach((k, v) -> assertThat(m.stateDict().get(k)).as(k).isEqualTo(v));   // the earlier layers were not merged either
        assertThatThrownBy(lora::unmerge).hasMessageContaining("not merged");
        LoraLayer layer = lora.layers().get("blocks.1.attn.qkv");
        assertThatThrownBy(layer::merge).hasMessageContaining("LoraLinear (36, 12)").hasMessageContaining("contains NaN or Inf");
        assertThat(layer.merged()).isFalse();
    }

    @Test
    void qvModeAdaptsTheQAndVRowsOnly() {
        VisionTransformer m = Tiny.vit(0, DataType.DOUBLE);
        Tensor x = Tensor.constant(Tiny.images(1, 2, DataType.DOUBLE));
        LoraModel lora = Lora.apply(m, LoraConfig.of(2, 4, List.of("qkv"), List.of()).withQkvMode(LoraConfig.QkvMode.Q_V).withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(2));
        assertThat(lora.adapterParameters().keySet()).contains("blocks.0.attn.qkv.q.lora_A.default.weight", "blocks.0.attn.qkv.v.lora_B.default.weight")
                .hasSize(8);
        LoraLinear qkv = (LoraLinear) lora.layers().get("blocks.0.attn.qkv");
        Tensor h = Tensor.constant(Rng.seeded(5).normal(DataType.DOUBLE, 0, 1, 2, 5, 12));
        INDArray diff = qkv.forward(h).value().sub(qkv.base().forward(h).value());                        // (2, 5, 36)
        var all = org.nd4j.linalg.indexing.NDArrayIndex.all();
        assertThat(diff.get(all, all, org.nd4j.linalg.indexing.NDArrayIndex.interval(12, 24)).amaxNumber().doubleValue()).isEqualTo(0.0);
        assertThat(diff.get(all, all, org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 12)).amaxNumber().doubleValue()).isGreaterThan(1e-3);
        assertThat(diff.get(all, all, org.nd4j.linalg.indexing.NDArrayIndex.interval(24, 36)).amaxNumber().doubleValue()).isGreaterThan(1e-3);
        INDArray unmerged = m.forward(x).value().dup();
        lora.merge();
        assertThat(LoraProperties.rel(m.forward(x).value(), unmerged)).isLessThan(1e-12);
    }

    @Test
    void adapterDropoutActsInTrainingModeOnly() {
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        LoraModel lora = Lora.apply(m, PAPER4.withInit(LoraConfig.LoraInit.RANDOM).withDropout(0.5), Rng.seeded(1));
        Tensor x = Tensor.constant(Tiny.images(1, 2, DataType.FLOAT));
        m.eval();
        INDArray a = m.forward(x).value().dup(), b = m.forward(x).value().dup();
        assertThat(a).isEqualTo(b);
        m.train();
        assertThat(m.forward(x).value()).isNotEqualTo(a);
        lora.merge();
        assertThat(m.forward(x).value()).as("merged: no adapter path, no adapter dropout").isEqualTo(m.forward(x).value());
    }
}
