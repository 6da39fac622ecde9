package keyshield.vit;

import keyshield.nn.Losses;
import keyshield.nn.optim.AdamW;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invariants of the ViT, parameter counts of the presets, and a small overfitting run. */
class ViTPropertiesTest {
    private static ViTConfig small(double drop) {
        return new ViTConfig(16, 4, 3, 5, 24, 2, 3, 2.0, true, drop, drop, true, ViTConfig.GlobalPool.TOKEN);
    }

    @Test
    void presetsHaveTheParameterCountsOfTimm() {
        assertThat(ViTConfig.base16(1000).parameterCount()).isEqualTo(86_567_656L);
        assertThat(ViTConfig.base16(21_843).parameterCount()).isEqualTo(102_595_923L);
        assertThat(ViTConfig.tiny16(1000).parameterCount()).isEqualTo(5_717_416L);
        assertThat(ViTConfig.small16(1000).parameterCount()).isEqualTo(22_050_664L);
        assertThat(ViTConfig.base32(1000).parameterCount()).isEqualTo(88_224_232L);        // timm vit_base_patch32_224
        assertThat(ViTConfig.large16(1000).parameterCount()).isEqualTo(304_326_632L);      // timm vit_large_patch16_224
        assertThat(ViTConfig.cifar(10).parameterCount()).isEqualTo(2_693_578L);           // ../shared/models/README.md
        // the formula agrees with a real model's registered parameters
        assertThat(new VisionTransformer(small(0), Rng.seeded(1)).parameterCount()).isEqualTo(small(0).parameterCount());
        assertThat(new VisionTransformer(ViTConfig.cifar(10), Rng.seeded(1)).parameterCount()).isEqualTo(2_693_578L);
    }

    @Test
    void invalidConfigurationsAreRefused() {
        assertThatThrownBy(() -> new ViTConfig(30, 4, 3, 10, 24, 2, 3, 4, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN))
                .hasMessageContaining("imgSize 30 is not divisible by patchSize 4");
        assertThatThrownBy(() -> new ViTConfig(32, 4, 3, 10, 25, 2, 3, 4, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN))
                .hasMessageContaining("embedDim 25 is not divisible by numHeads 3");
        VisionTransformer vit = new VisionTransformer(small(0), Rng.seeded(1));
        assertThatThrownBy(() -> vit.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 3, 32, 32))))
                .hasMessageContaining("(B, 3, 16, 16)").hasMessageContaining("(2, 3, 32, 32)");
    }

    @Property(tries = 8)
    void attentionRowsSumToOne(@ForAll long seed) {
        VisionTransformer vit = new VisionTransformer(small(0), Rng.seeded(seed), DataType.DOUBLE);
        List<INDArray> seen = new ArrayList<>();
        vit.blocks().forEach(b -> b.attn().setAttentionProbe(a -> seen.add(a.value().dup())));
        vit.forward(Tensor.constant(Rng.seeded(seed + 1).uniform(DataType.DOUBLE, 0, 1, 2, 3, 16, 16)));
        assertThat(seen).hasSize(2);
        for (INDArray a : seen) {
            assertThat(a.shape()).containsExactly(2, 3, 17, 17);                           // (B, H, N, N)
            assertThat(a.sum(-1).sub(1).amaxNumber().doubleValue()).isLessThan(1e-12);
            assertThat(a.minNumber().doubleValue()).isGreaterThanOrEqualTo(0);
        }
    }

    @Property(tries = 8)
    void permutingTheBatchPermutesTheLogits(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int b) {
        VisionTransformer vit = new VisionTransformer(small(0), Rng.seeded(seed), DataType.DOUBLE);
        vit.eval();
        INDArray x = Rng.seeded(seed + 1).uniform(DataType.DOUBLE, 0, 1, b, 3, 16, 16);
        int[] perm = Rng.seeded(seed + 2).permutation(b);
        INDArray logits = vit.forward(Tensor.constant(x)).value();
        INDArray permuted = vit.forward(Tensor.constant(Nd4j.pullRows(x.reshape(b, -1), 1, perm).reshape(x.shape()))).value();
        for (int i = 0; i < b; i++)
            assertThat(Transforms.abs(permuted.getRow(i).sub(logits.getRow(perm[i]))).maxNumber().doubleValue()).isLessThan(1e-12);
    }

    @Property(tries = 5)
    void evalIsDeterministicAndDropoutActsOnlyInTraining(@ForAll long seed) {
        VisionTransformer vit = new VisionTransformer(small(0.3), Rng.seeded(seed), DataType.DOUBLE);
        Tensor x = Tensor.constant(Rng.seeded(seed + 1).uniform(DataType.DOUBLE, 0, 1, 3, 3, 16, 16));
        vit.eval();
        INDArray a = vit.forward(x).value(), b = vit.forward(x).value();
        assertThat(a).isEqualTo(b);
        vit.train();
        INDArray c = vit.forward(x).value(), d = vit.forward(x).value();
        assertThat(c).isNotEqualTo(a);
        assertThat(c).isNotEqualTo(d);
    }

    /** A tiny ViT memorises 64 random images with random labels: the whole training path works end to end. */
    @Test
    void overfitsSixtyFourRandomImages() {
        ViTConfig c = new ViTConfig(16, 4, 3, 10, 32, 2, 2, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);
        VisionTransformer vit = new VisionTransformer(c, Rng.seeded(3));
        INDArray x = Rng.seeded(4).uniform(DataType.FLOAT, 0, 1, 64, 3, 16, 16);
        int[] y = new int[64];
        Rng labels = Rng.seeded(5);
        for (int i = 0; i < 64; i++) y[i] = labels.nextInt(10);
        AdamW adamw = new AdamW(vit.namedParameters(), AdamW.Options.of(3e-3, 0.01));   // the optimizer fine-tuning uses
        double loss = Double.NaN;
        for (int step = 0; step < 400 && !(loss < 0.05); step++) {
            try (var s = Scope.open()) {
                adamw.zeroGrad();
                Tensor l = Losses.crossEntropy(vit.forward(Tensor.constant(x)), y);
                l.backward();
                adamw.step();
                loss = l.item();
            }
        }
        assertThat(loss).as("training loss after at most 400 AdamW steps").isLessThan(0.05);
    }

    /**
     * Activation checkpointing of the blocks changes memory, not numbers: with dropout and drop path on,
     * three AdamW steps in float32 end with bit-identical losses and weights.
     */
    @Test
    void checkpointedBlocksTrainBitForBitLikePlainOnes() {
        INDArray x = Rng.seeded(3).uniform(DataType.FLOAT, 0, 1, 4, 3, 16, 16);
        int[] y = {0, 3, 1, 4};
        List<List<Double>> losses = new ArrayList<>();
        List<java.util.Map<String, INDArray>> weights = new ArrayList<>();
        for (boolean checkpoint : new boolean[] {false, true}) {
            VisionTransformer vit = new VisionTransformer(small(0.1), Rng.seeded(2));
            vit.setCheckpointBlocks(checkpoint);
            vit.train();
            AdamW adamw = new AdamW(vit.namedParameters(), AdamW.Options.of(3e-3, 0.01));
            List<Double> l = new ArrayList<>();
            for (int step = 0; step < 3; step++) {
                try (var s = Scope.open()) {
                    adamw.zeroGrad();
                    Tensor loss = Losses.crossEntropy(vit.forward(Tensor.constant(x)), y);
                    loss.backward();
                    adamw.step();
                    l.add(loss.item());
                }
            }
            losses.add(l);
            weights.add(vit.stateDict());
        }
        assertThat(losses.get(1)).isEqualTo(losses.get(0));
        assertThat(losses.get(0).get(2)).as("the steps train").isLessThan(losses.get(0).get(0));
        assertThat(weights.get(1).keySet()).isEqualTo(weights.get(0).keySet());
        for (String name : weights.get(0).keySet())
            assertThat(weights.get(1).get(name)).as(name).isEqualTo(weights.get(0).get(name));
    }
}
