package keyshield.lora;

import keyshield.nn.Linear;
import keyshield.nn.Losses;
import keyshield.nn.optim.AdamW;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.vit.VisionTransformer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The invariants of LoRA: a fresh adapter is a no-op, only the adapter trains, merging changes nothing. */
class LoraProperties {

    @Provide
    Arbitrary<LoraConfig> configs() {
        Arbitrary<List<String>> targets = Arbitraries.of(List.of("blocks.*.attn.qkv"), List.of("patch_embed.proj"), List.of("qkv", "patch_embed.proj"));
        Arbitrary<List<String>> saved = Arbitraries.of(List.of(), List.of("head"));
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.of(0.5, 1.0, 2.0, 8.0), targets, saved,
                        Arbitraries.of(LoraConfig.QkvMode.class), Arbitraries.of(LoraConfig.LoraInit.KAIMING_UNIFORM, LoraConfig.LoraInit.GAUSSIAN))
                .as((r, alpha, t, s, mode, init) -> new LoraConfig(r, alpha, 0, t, s, mode, init));
    }

    @Property(tries = 8)
    void aFreshAdapterLeavesTheLogitsUnchanged(@ForAll("configs") LoraConfig c, @ForAll @LongRange(max = 1000) long seed) {
        VisionTransformer m = Tiny.vit(seed, DataType.FLOAT);
        Tensor x = Tensor.constant(Tiny.images(seed, 2, DataType.FLOAT));
        INDArray before = m.forward(x).value().dup();
        Lora.apply(m, c, Rng.seeded(seed + 1));
        assertThat(m.forward(x).value()).isEqualTo(before);
    }

    @Property(tries = 6)
    void onlyAdapterAndKeptParametersReceiveGradients(@ForAll("configs") LoraConfig c, @ForAll @LongRange(max = 1000) long seed) {
        VisionTransformer m = Tiny.vit(seed, DataType.FLOAT);
        LoraModel lora = Lora.apply(m, c.withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(seed + 1));
        try (var step = Scope.open()) {
            Losses.crossEntropy(m.forward(Tensor.constant(Tiny.images(seed, 2, DataType.FLOAT))), Tiny.labels(seed, 2)).backward();
        }
        Map<String, Parameter> trainable = lora.trainableParameters();
        m.namedParameters().forEach((name, p) -> {
            if (trainable.containsKey(name)) {
                assertThat(p.grad()).as(name).isNotNull();
                assertThat(Transforms.abs(p.grad()).maxNumber().doubleValue()).as(name + " gradient").isGreaterThan(0);
            } else {
                assertThat(p.trainable()).as(name).isFalse();
                assertThat(p.grad()).as(name).isNull();
            }
        });
        assertThat(trainable.keySet()).allMatch(n -> n.contains(".lora_A.") || n.contains(".lora_B.") || n.startsWith("head."));
    }

    @Property(tries = 4)
    void theFrozenBaseIsBitIdenticalAfterTrainingAnAdapter(@ForAll("configs") LoraConfig c, @ForAll @LongRange(max = 1000) long seed) {
        VisionTransformer m = Tiny.vit(seed, DataType.FLOAT);
        m.train();
        LoraModel lora = Lora.apply(m, c, Rng.seeded(seed + 1));
        Map<String, Parameter> trainable = lora.trainableParameters();
        Map<String, INDArray> base = new LinkedHashMap<>(), adapterBefore = new LinkedHashMap<>();
        m.namedParameters().forEach((n, p) -> (trainable.containsKey(n) ? adapterBefore : base).put(n, p.data().dup()));
        AdamW opt = new AdamW(trainable, AdamW.Options.of(1e-2, 0.05));
        for (int step = 0; step < 3; step++) {
            try (var s = Scope.open()) {
                opt.zeroGrad();
                Losses.crossEntropy(m.forward(Tensor.constant(Tiny.images(seed + step, 4, DataType.FLOAT))), Tiny.labels(seed + step, 4)).backward();
                opt.step();
            }
        }
        Map<String, Parameter> after = m.namedParameters();
        base.forEach((n, v) -> assertThat(after.get(n).data()).as(n).isEqualTo(v));
        assertThat(adapterBefore).anySatisfy((n, v) -> assertThat(after.get(n).data()).as(n + " trained").isNotEqualTo(v));
        lora.layers().values().forEach(l -> l.baseParameters().values().forEach(p -> assertThat(p.trainable()).isFalse()));
    }

    @Property(tries = 6)
    void mergeThenUnmergeIsTheIdentity(@ForAll("configs") LoraConfig c, @ForAll @LongRange(max = 1000) long seed) {
        for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            double logitTol = dtype == DataType.DOUBLE ? 1e-12 : 1e-5;
            VisionTransformer m = Tiny.vit(seed, dtype);
            LoraModel lora = Lora.apply(m, c.withInit(LoraConfig.LoraInit.RANDOM), Rng.seeded(seed + 1));
            Map<String, INDArray> before = new LinkedHashMap<>();
            m.stateDict().forEach((k, v) -> before.put(k, v.dup()));
            Tensor x = Tensor.constant(Tiny.images(seed, 2, dtype));
            INDArray unmerged = m.forward(x).value().dup();
            lora.merge();
            assertThat(rel(m.forward(x).value(), unmerged)).as(dtype + " merged vs un-merged").isLessThan(logitTol);
            lora.unmerge();
            before.forEach((k, v) -> assertThat(m.stateDict().get(k)).as(dtype + " " + k + " restored bit for bit").isEqualTo(v));
            assertThat(m.forward(x).value()).isEqualTo(unmerged);
        }
    }

    @Property(tries = 10)
    void theUpdateIsScaledByAlphaOverR(@ForAll @IntRange(min = 1, max = 6) int r, @ForAll("alphas") double alpha,
                                        @ForAll @LongRange(max = 1000) long seed, @ForAll LoraConfig.QkvMode mode) {
        LoraConfig c = new LoraConfig(r, alpha, 0, List.of("qkv"), List.of(), mode, LoraConfig.LoraInit.RANDOM);
        assertThat(c.scaling()).isEqualTo(alpha / r);
        Linear base = new Linear(5, 9, true, Rng.seeded(seed), DataType.DOUBLE);
        LoraLinear l = mode == LoraConfig.QkvMode.FUSED ? LoraLinear.fused(base, c, Rng.seeded(seed + 1)) : LoraLinear.qv(base, c, Rng.seeded(seed + 1));
        assertThat(l.scaling()).isEqualTo(alpha / r);
        INDArray x = Rng.seeded(seed + 2).normal(DataType.DOUBLE, 0, 1, 4, 5);
        INDArray update = l.forward(Tensor.constant(x)).value().sub(base.forward(Tensor.constant(x)).value());   // (4, 9)
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 4, 9);
        Map<String, Parameter> ab = l.adapterParameters();
        String[] prefixes = mode == LoraConfig.QkvMode.FUSED ? new String[] {""} : new String[] {"q.", "v."};
        long[][] rows = mode == LoraConfig.QkvMode.FUSED ? new long[][] {{0, 9}} : new long[][] {{0, 3}, {6, 9}};
        for (int i = 0; i < prefixes.length; i++) {
            INDArray a = ab.get(prefixes[i] + "lora_A.default.weight").data(), b = ab.get(prefixes[i] + "lora_B.default.weight").data();
            INDArray part = x.mmul(a.transpose()).mmul(b.transpose()).muli(alpha / r);                      // (4, rows)
            expected.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(rows[i][0], rows[i][1])).assign(part);
        }
        assertThat(Transforms.abs(update.sub(expected)).maxNumber().doubleValue()).isLessThan(1e-12);
        if (mode == LoraConfig.QkvMode.Q_V)
            assertThat(update.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6)).sumNumber().doubleValue())
                    .as("k rows are not adapted").isEqualTo(0.0);
    }

    @Provide
    Arbitrary<Double> alphas() { return Arbitraries.doubles().between(0.25, 64).ofScale(3); }

    static double rel(INDArray actual, INDArray expected) {
        double scale = Transforms.abs(expected).maxNumber().doubleValue();
        return Transforms.abs(actual.sub(expected)).maxNumber().doubleValue() / (scale == 0 ? 1 : scale);
    }
}
