package keyshield.vit.weights;

import keyshield.tensor.Golden;
import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The architecture is read back from a state dict's shapes, and a saved model loads to the same function. */
class ViTWeightsTest {
    @TempDir Path dir;

    @Test
    void theGoldenMicroConfigIsInferredFromItsShapes() throws IOException {
        Path f = Golden.file("vit_micro.safetensors");
        ViTConfig c = ViTWeights.inferConfig(Safetensors.read(f), 3, f);
        // vit_micro_meta.json: img 32, patch 4, 3 channels, 10 classes, dim 48, depth 2, heads 3, mlp 4.0, qkv bias
        assertThat(c).isEqualTo(new ViTConfig(32, 4, 3, 10, 48, 2, 3, 4.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN));
    }

    /** Any architecture survives save → infer → load, with the same logits (tries kept small: each builds two models). */
    @Property(tries = 6)
    void savedModelsLoadBackToTheSameFunction(@ForAll @IntRange(min = 1, max = 3) int depth, @ForAll @IntRange(min = 1, max = 3) int gridSize,
                                               @ForAll @IntRange(min = 1, max = 2) int headsFactor, @ForAll @IntRange(min = 0, max = 1) int mlpHalves,
                                               @ForAll @IntRange(min = 2, max = 4) int patch, @ForAll boolean qkvBias, @ForAll long seed) throws IOException {
        int heads = 2 * headsFactor;
        ViTConfig c = new ViTConfig(gridSize * patch, patch, 3, 7, 4 * heads, depth, heads, 2.0 + 0.5 * mlpHalves, qkvBias,
                0, 0, true, ViTConfig.GlobalPool.TOKEN);
        VisionTransformer original = new VisionTransformer(c, Rng.seeded(seed), DataType.DOUBLE);
        Path f = Files.createTempFile("vit", ".safetensors");                          // jqwik properties get no @TempDir
        VisionTransformer loaded;
        try {
            Safetensors.write(f, original.stateDict(), Map.of());
            assertThat(ViTWeights.inferConfig(Safetensors.read(f), heads, f)).isEqualTo(c);
            loaded = ViTWeights.load(f, OptionalInt.of(heads), DataType.DOUBLE);
        } finally {
            Files.deleteIfExists(f);
        }
        original.eval();
        loaded.eval();
        INDArray x = Rng.seeded(seed + 1).uniform(DataType.DOUBLE, 0, 1, 2, 3, c.imgSize(), c.imgSize());
        try (var noGrad = GradMode.off()) {
            assertThat(loaded.forward(Tensor.constant(x)).value()).isEqualTo(original.forward(Tensor.constant(x)).value());
        }
    }

    @Test
    void headCountsThatDoNotFitOrAreMissingAreRefused() throws IOException {
        Path f = Golden.file("vit_micro.safetensors");
        assertThatThrownBy(() -> ViTWeights.load(f, OptionalInt.empty(), DataType.FLOAT)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("number of heads cannot be read");
        assertThatThrownBy(() -> ViTWeights.load(f, OptionalInt.of(5), DataType.FLOAT)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("embedding width 48 is not divisible by 5 heads");
    }

    @Test
    void brokenStateDictsNameTheProblem() throws IOException {
        Path f = Golden.file("vit_micro.safetensors");
        LinkedHashMap<String, INDArray> sd = Safetensors.read(f);

        Map<String, INDArray> noPatch = new LinkedHashMap<>(sd);
        noPatch.remove("patch_embed.proj.weight");
        assertThatThrownBy(() -> ViTWeights.inferConfig(noPatch, 3, f)).hasMessageContaining("missing tensor 'patch_embed.proj.weight'");

        Map<String, INDArray> oddGrid = new LinkedHashMap<>(sd);
        oddGrid.put("pos_embed", Nd4j.zeros(DataType.FLOAT, 1, 1 + 63, 48));
        assertThatThrownBy(() -> ViTWeights.inferConfig(oddGrid, 3, f)).hasMessageContaining("pos_embed has 64 tokens, which is not a square grid");

        // a file whose head does not match its declared shapes is refused by the strict, all-or-nothing load
        Map<String, INDArray> badHead = new LinkedHashMap<>(sd);
        badHead.put("head.bias", Nd4j.zeros(DataType.FLOAT, 11));
        Path g = dir.resolve("bad_head.safetensors");
        Safetensors.write(g, badHead, Map.of());
        assertThatThrownBy(() -> ViTWeights.load(g, OptionalInt.of(3), DataType.FLOAT)).isInstanceOf(WeightFileException.class)
                .hasMessageContaining("head.bias: expected (10) but got (11)");
    }
}
