package keyshield.experiments.defense;

import keyshield.defense.BlockShuffle;
import keyshield.defense.KeyFolding;
import keyshield.defense.KeyRecovery;
import keyshield.defense.PixelOrder;
import keyshield.defense.SecretKey;
import keyshield.tensor.Golden;
import keyshield.tensor.GradMode;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key folding on the golden ViT (patch 4): shuffling the pixels with a block-4 key before the plain model
 * equals the model whose patch-embedding columns are permuted by the key, on un-shuffled images; and the
 * key can be read back from the two patch embeddings.
 */
class KeyFoldingViTTest {
    @ParameterizedTest
    @CsvSource({"11, FLOAT, 1e-5", "12, DOUBLE, 1e-12", "13, FLOAT, 1e-5"})
    void foldedModelOnPlainImagesEqualsPlainModelOnShuffledImages(long seed, DataType dtype, double tol) throws Exception {
        VisionTransformer plain = ViTWeights.load(Golden.file("vit_micro.safetensors"), OptionalInt.of(3), dtype);
        VisionTransformer folded = ViTWeights.load(Golden.file("vit_micro.safetensors"), OptionalInt.of(3), dtype);
        SecretKey key = SecretKey.fromSeed(seed, 4, 3);
        Map<String, INDArray> sd = KeyFolding.fold(folded.stateDict(), key, PixelOrder.HWC);
        folded.loadStateDict(sd, true);
        plain.eval();
        folded.eval();
        INDArray x = Npz.read(Golden.file("vit_micro_golden.npz")).get("x").castTo(dtype);
        try (var off = GradMode.off()) {
            INDArray viaShuffle = plain.forward(new BlockShuffle(key).apply(Tensor.constant(x))).value();
            INDArray viaFolding = folded.forward(Tensor.constant(x)).value();
            double rel = viaShuffle.sub(viaFolding).norm2Number().doubleValue() / viaShuffle.norm2Number().doubleValue();
            assertThat(rel).as("relative logit difference").isLessThan(tol);
            INDArray unshuffled = plain.forward(Tensor.constant(x)).value();
            assertThat(unshuffled.sub(viaFolding).norm2Number().doubleValue() / unshuffled.norm2Number().doubleValue())
                    .as("the key changes the model").isGreaterThan(1e-2);
        }
        KeyRecovery.Report r = KeyRecovery.evaluate(sd.get(KeyFolding.PATCH_WEIGHT), plain.stateDict().get(KeyFolding.PATCH_WEIGHT), key, PixelOrder.HWC);
        assertThat(r.recovered()).as("an exactly folded model reveals its key").isEqualTo(r.total());
    }
}
