package keyshield.lora;

import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counts from shapes (Table II) and their agreement with real adapted models. */
class ParameterCountsTest {
    @Test
    void tableTwoOfThePaper() {
        ParameterCounts.Counts full = ParameterCounts.full(ViTConfig.base16(1000));
        assertThat(full.total()).isEqualTo(86_567_656L);
        assertThat(full.trainable()).isEqualTo(86_567_656L);
        assertThat(full.format()).isEqualTo("total=86567656 trainable=86567656 (100.00%)");

        ParameterCounts.Counts lora = ParameterCounts.lora(ViTConfig.base16(1000), LoraConfig.paper(16));
        assertThat(lora.trainable()).isEqualTo(1_383_400L);
        assertThat(lora.total()).isEqualTo(86_567_656L + 16 * (3 * 16 * 16) + 768 * 16 + 12 * 16 * (768 + 3 * 768));
    }

    @Test
    void shapeCountsEqualTheCountsOfRealAdaptedModels() {
        List<LoraConfig> configs = List.of(
                LoraConfig.paper(4),
                LoraConfig.paper(3).withQkvMode(LoraConfig.QkvMode.Q_V),
                LoraConfig.of(2, 4, List.of("qkv"), List.of()),
                LoraConfig.of(5, 1, List.of("patch_embed.proj"), List.of("norm", "blocks.1")),
                LoraConfig.of(1, 1, List.of("attn.qkv"), List.of("mlp")));
        for (LoraConfig c : configs) {
            VisionTransformer m = new VisionTransformer(Tiny.CONFIG, Rng.seeded(3), DataType.FLOAT);
            LoraModel lora = Lora.apply(m, c, Rng.seeded(4));
            ParameterCounts.Counts counts = ParameterCounts.lora(Tiny.CONFIG, c);
            assertThat(counts.total()).as(c.toString()).isEqualTo(m.parameterCount());
            assertThat(counts.trainable()).as(c.toString()).isEqualTo(m.trainableParameterCount()).isEqualTo(lora.trainableCount());
        }
    }

    @Test
    void leafLayoutMatchesTheModel() {
        VisionTransformer m = new VisionTransformer(ViTConfig.cifar(10), Rng.seeded(0), DataType.FLOAT);
        var modules = m.namedModules();
        ParameterCounts.leafParameterCounts(ViTConfig.cifar(10)).forEach((name, n) ->
                assertThat(modules.get(name).parameterCount()).as(name).isEqualTo(n));
        long leaves = ParameterCounts.leafParameterCounts(ViTConfig.cifar(10)).values().stream().mapToLong(Long::longValue).sum();
        assertThat(leaves + m.namedParameters().get("cls_token").length() + m.namedParameters().get("pos_embed").length()).isEqualTo(m.parameterCount());
    }

    @Test
    void unsupportedOrMissingTargetsAreRefusedLikeApply() {
        assertThatThrownBy(() -> ParameterCounts.lora(Tiny.CONFIG, LoraConfig.of(2, 2, List.of("fc1"), List.of())))
                .hasMessageContaining("blocks.0.mlp.fc1").hasMessageContaining("not supported");
        assertThatThrownBy(() -> ParameterCounts.lora(Tiny.CONFIG, LoraConfig.of(2, 2, List.of("query"), List.of())))
                .hasMessageContaining("'query' matches no module");
    }
}
