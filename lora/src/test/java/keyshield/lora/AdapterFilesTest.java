package keyshield.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import keyshield.tensor.Golden;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Adapters alone on disk: peft names, the config JSON, exact round trips, clear refusals. */
class AdapterFilesTest {
    @TempDir Path dir;

    /** An adapted tiny model whose adapter and head differ from their initial values. */
    static LoraModel trained(long seed) {
        VisionTransformer m = Tiny.vit(0, DataType.FLOAT);
        LoraModel lora = Lora.apply(m, LoraConfig.paper(3).withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(seed));
        try (var off = GradMode.off()) {
            lora.savedParameters().get("head.weight").data().addi(Rng.seeded(seed).normal(DataType.FLOAT, 0, 0.1, 3, 12));
        }
        return lora;
    }

    @Test
    void roundTripsExactlyInBothNameStyles() throws Exception {
        LoraModel lora = trained(5);
        Tensor x = Tensor.constant(Tiny.images(2, 3, DataType.FLOAT));
        INDArray expected = lora.model().forward(x).value().dup();
        for (AdapterFiles.NameStyle style : AdapterFiles.NameStyle.values()) {
            Path d = dir.resolve(style.name());
            AdapterFiles.write(d, lora, "fp-123", style);
            Map<String, INDArray> file = Safetensors.read(d.resolve(AdapterFiles.TENSORS));
            if (style == AdapterFiles.NameStyle.IN_MODEL)
                assertThat(file.keySet()).contains("base_model.model.blocks.1.attn.qkv.lora_A.default.weight",
                        "base_model.model.patch_embed.proj.lora_B.default.weight", "base_model.model.head.modules_to_save.default.weight");
            else
                assertThat(file.keySet()).contains("base_model.model.blocks.1.attn.qkv.lora_A.weight",
                        "base_model.model.patch_embed.proj.lora_B.weight", "base_model.model.head.weight");
            assertThat(file).hasSize(8);

            AdapterFiles.Adapter read = AdapterFiles.read(d);
            assertThat(read.config()).isEqualTo(lora.config());
            assertThat(read.keyFingerprint()).contains("fp-123");
            LoraModel again = AdapterFiles.applyTo(Tiny.vit(0, DataType.FLOAT), read);
            assertThat(again.model().forward(x).value()).as(style.name()).isEqualTo(expected);
        }
    }

    @Test
    void theConfigUsesPeftFields() throws Exception {
        AdapterFiles.write(dir, trained(1), null);
        JsonNode json = new ObjectMapper().readTree(dir.resolve(AdapterFiles.CONFIG).toFile());
        assertThat(json.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(json.get("r").asInt()).isEqualTo(3);
        assertThat(json.get("lora_alpha").asDouble()).isEqualTo(3.0);
        assertThat(json.get("lora_dropout").asDouble()).isEqualTo(0.0);
        assertThat(json.get("target_modules")).extracting(JsonNode::asText).containsExactly("blocks.*.attn.qkv", "patch_embed.proj");
        assertThat(json.get("modules_to_save")).extracting(JsonNode::asText).containsExactly("head");
        assertThat(json.get("init_lora_weights").asBoolean()).isFalse();
        assertThat(json.get("keyshield").has("key_fingerprint")).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(AdapterFiles.CONFIG, AdapterFiles.TENSORS);   // no temp files left
        }
    }

    @Test
    void theGoldenPeftAdapterIsWrittenBackUnderTheSameNamesAndValues() throws Exception {
        LoraModel lora = GoldenLoraTest.adapted(DataType.FLOAT);
        AdapterFiles.write(dir, lora, null);
        Map<String, INDArray> golden = Safetensors.read(Golden.file("lora_micro_adapter.safetensors"));
        Map<String, INDArray> ours = Safetensors.read(dir.resolve(AdapterFiles.TENSORS));
        assertThat(ours.keySet()).containsExactlyInAnyOrderElementsOf(golden.keySet());
        golden.forEach((k, v) -> assertThat(ours.get(k)).as(k).isEqualTo(v));
    }

    @Test
    void badFilesAreRefusedNamingTheProblem() throws Exception {
        AdapterFiles.write(dir, trained(1), null);
        Path cfg = dir.resolve(AdapterFiles.CONFIG);
        String good = Files.readString(cfg);

        Files.writeString(cfg, good.replaceFirst("\"r\" : 3", "\"r\" : \"three\""));
        assertThatThrownBy(() -> AdapterFiles.read(dir)).isInstanceOf(IOException.class).hasMessageContaining(cfg.toString()).hasMessageContaining("field r");
        Files.writeString(cfg, good.replaceFirst("\"target_modules\" : \\[[^]]*]", "\"target_modules\" : \".*qkv\""));
        assertThatThrownBy(() -> AdapterFiles.read(dir)).hasMessageContaining("regular expression");
        Files.writeString(cfg, "{ not json");
        assertThatThrownBy(() -> AdapterFiles.read(dir)).hasMessageContaining("not valid JSON");
        Files.delete(cfg);
        assertThatThrownBy(() -> AdapterFiles.read(dir)).hasMessageContaining("no adapter config");

        LoraModel lora = trained(2);
        Map<String, INDArray> state = new LinkedHashMap<>(lora.adapterState());
        state.remove("base_model.model.blocks.0.attn.qkv.lora_A.default.weight");
        state.put("base_model.model.blocks.0.attn.qkv.lora_C.default.weight", state.get("base_model.model.blocks.1.attn.qkv.lora_A.default.weight"));
        state.put("base_model.model.blocks.1.attn.qkv.lora_B.default.weight", org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 36, 2));
        Map<String, INDArray> before = lora.adapterState();
        assertThatThrownBy(() -> lora.loadAdapterState(state))
                .hasMessageContaining("missing [base_model.model.blocks.0.attn.qkv.lora_A.default.weight]")
                .hasMessageContaining("unexpected [base_model.model.blocks.0.attn.qkv.lora_C.default.weight]")
                .hasMessageContaining("lora_B.default.weight: expected (36, 3) but got (36, 2)");
        lora.adapterState().forEach((k, v) -> assertThat(v).as(k + " unchanged by a refused load").isEqualTo(before.get(k)));
    }

    @Test
    void aConfigForAnotherModelDoesNotApply() throws Exception {
        LoraModel lora = trained(1);
        AdapterFiles.write(dir, lora, null);
        AdapterFiles.Adapter read = AdapterFiles.read(dir);
        AdapterFiles.Adapter wrongRank = new AdapterFiles.Adapter(new LoraConfig(4, 3, 0, read.config().targetModules(), List.of("head"),
                LoraConfig.QkvMode.FUSED, LoraConfig.LoraInit.KAIMING_UNIFORM), read.tensors(), read.keyFingerprint());
        assertThatThrownBy(() -> AdapterFiles.applyTo(Tiny.vit(0, DataType.FLOAT), wrongRank)).hasMessageContaining("expected (4, 12) but got (3, 12)");
    }
}
