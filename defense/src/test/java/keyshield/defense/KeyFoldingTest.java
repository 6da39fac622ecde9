package keyshield.defense;

import keyshield.tensor.Arrays64;
import keyshield.tensor.GradMode;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** conv(shuffle(x), W) = conv(x, fold(W)) with kernel = stride = block size, in both pixel orders. */
class KeyFoldingTest {
    static INDArray patchConv(INDArray x, INDArray w, int p) {
        try (var off = GradMode.off()) { return Tensor.constant(x).conv2d(Tensor.constant(w), null, p, 0).value(); }
    }

    @Property(tries = 12)
    void foldingMovesTheShuffleIntoThePatchEmbedding(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int p,
                                                     @ForAll PixelOrder order, @ForAll @IntRange(min = 1, max = 3) int c) {
        SecretKey key = SecretKey.fromSeed(seed, p, c);
        INDArray x = Images.random(seed, 2, c, 2L * p, 3L * p), w = Arrays64.random(seed + 1, 5, c, p, p);
        INDArray shuffledThenConv = patchConv(new BlockShuffle(key, order).apply(x), w, p);
        INDArray folded = patchConv(x, KeyFolding.fold(w, key, order), p);
        assertThat(folded.sub(shuffledThenConv).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(KeyFolding.unfold(KeyFolding.fold(w, key, order), key, order)).isEqualTo(w);
        assertThat(KeyFolding.fold(KeyFolding.unfold(w, key, order), key, order)).isEqualTo(w);
    }

    @Test
    void theFlattenOrderMatters() {                                          // HWC folding does not fit a CHW shuffle
        SecretKey key = SecretKey.fromSeed(4, 4, 3);
        INDArray x = Images.random(1, 1, 3, 8, 8), w = Arrays64.random(2, 6, 3, 4, 4);
        INDArray wrong = patchConv(x, KeyFolding.fold(w, key, PixelOrder.HWC), 4);
        INDArray right = patchConv(new BlockShuffle(key, PixelOrder.CHW).apply(x), w, 4);
        assertThat(wrong.sub(right).amaxNumber().doubleValue()).isGreaterThan(1e-3);
    }

    @Test
    void aStateDictHasItsPatchWeightFoldedAndTheRestShared() {
        SecretKey key = SecretKey.fromSeed(8, 2, 3);
        Map<String, INDArray> sd = new LinkedHashMap<>();
        INDArray bias = Arrays64.random(3, 4);
        sd.put(KeyFolding.PATCH_WEIGHT, Arrays64.random(1, 4, 3, 2, 2));
        sd.put("patch_embed.proj.bias", bias);
        Map<String, INDArray> folded = KeyFolding.fold(sd, key, PixelOrder.HWC);
        assertThat(folded.keySet()).containsExactlyElementsOf(sd.keySet());
        assertThat(folded.get("patch_embed.proj.bias")).isSameAs(bias);
        assertThat(folded.get(KeyFolding.PATCH_WEIGHT)).isEqualTo(KeyFolding.fold(sd.get(KeyFolding.PATCH_WEIGHT), key, PixelOrder.HWC));
        assertThat(KeyFolding.unfold(folded, key, PixelOrder.HWC).get(KeyFolding.PATCH_WEIGHT)).isEqualTo(sd.get(KeyFolding.PATCH_WEIGHT));
        assertThatThrownBy(() -> KeyFolding.fold(Map.of("head.weight", bias), key, PixelOrder.HWC))
                .hasMessageContaining("no 'patch_embed.proj.weight'").hasMessageContaining("head.weight");
    }

    @Test
    void mismatchedKeysAreRejected() {
        INDArray w = Arrays64.random(1, 4, 3, 16, 16);
        assertThatThrownBy(() -> KeyFolding.fold(w, SecretKey.fromSeed(1, 4, 3), PixelOrder.HWC)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("block size 4").hasMessageContaining("patch size 16");
        assertThatThrownBy(() -> KeyFolding.fold(w, SecretKey.fromSeed(1, 16, 1), PixelOrder.HWC)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("for 1 channels").hasMessageContaining("has 3");
    }
}
