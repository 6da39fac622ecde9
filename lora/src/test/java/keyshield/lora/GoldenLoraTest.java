package keyshield.lora;

import keyshield.nn.Losses;
import keyshield.tensor.Golden;
import keyshield.tensor.Tensor;
import keyshield.tensor.io.Npz;
import keyshield.vit.VisionTransformer;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.ViTWeights;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * peft's LoRA on the micro ViT (r 4, alpha 8, qkv and patch embedding, head frozen), computed by PyTorch
 * in float64 from float32 weights: logits, loss and the six adapter gradients.
 */
class GoldenLoraTest {
    static final LoraConfig GOLDEN = LoraConfig.of(4, 8, List.of("blocks.*.attn.qkv", "patch_embed.proj"), List.of());

    record Run(LoraModel lora, INDArray logits, double loss, Map<String, INDArray> grads) {}

    static LoraModel adapted(DataType dtype) throws Exception {
        VisionTransformer base = ViTWeights.load(Golden.file("vit_micro.safetensors"), OptionalInt.of(3), dtype);
        base.eval();
        LoraModel lora = Lora.apply(base, GOLDEN, keyshield.tensor.Rng.seeded(1));
        lora.loadAdapterState(Safetensors.read(Golden.file("lora_micro_adapter.safetensors")));
        return lora;
    }

    static Run run(DataType dtype) throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file("lora_micro_golden.npz"));
        LoraModel lora = adapted(dtype);
        Tensor logits = lora.model().forward(Tensor.constant(g.get("x").castTo(dtype)));
        Tensor loss = Losses.crossEntropy(logits, g.get("y").toIntVector());
        loss.backward();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        lora.adapterParameters().forEach((n, p) -> grads.put(lora.peftName(n), p.grad()));
        return new Run(lora, logits.value(), loss.item(), grads);
    }

    /** max |a − b| / max |b|: the error relative to the reference's scale. */
    static double rel(INDArray actual, INDArray expected) {
        INDArray e = expected.castTo(DataType.DOUBLE), a = actual.castTo(DataType.DOUBLE);
        return Transforms.abs(a.sub(e)).maxNumber().doubleValue() / Transforms.abs(e).maxNumber().doubleValue();
    }

    @Test
    void float32MatchesPeft() throws Exception {
        check(run(DataType.FLOAT), 1e-4, 1e-3, "float32");
    }

    @Test
    void float64MatchesPeftTightly() throws Exception {
        check(run(DataType.DOUBLE), 1e-10, 1e-9, "float64");
    }

    private static void check(Run r, double logitTol, double gradTol, String label) throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file("lora_micro_golden.npz"));
        double logitErr = rel(r.logits, g.get("logits"));
        System.out.printf("%s: logits rel %.3e, loss %.12f vs %.12f%n", label, logitErr, r.loss, g.get("loss").getDouble(0));
        assertThat(logitErr).isLessThan(logitTol);
        assertThat(r.loss).isCloseTo(g.get("loss").getDouble(0), org.assertj.core.data.Offset.offset(logitTol * 10));
        assertThat(r.grads).hasSize(6);
        for (Map.Entry<String, INDArray> e : r.grads.entrySet()) {
            INDArray expected = Npz.require(g, "grad/" + e.getKey(), Golden.file("lora_micro_golden.npz"));
            assertThat(e.getValue()).as(e.getKey() + " has a gradient").isNotNull();
            double err = rel(e.getValue(), expected);
            System.out.printf("%s: %s rel %.3e%n", label, e.getKey(), err);
            assertThat(err).as(e.getKey()).isLessThan(gradTol);
        }
    }

    @Test
    void mergedEqualsUnmergedAndUnmergeRestoresTheBase() throws Exception {
        Map<String, INDArray> g = Npz.read(Golden.file("lora_micro_golden.npz"));
        LoraModel lora = adapted(DataType.FLOAT);
        Map<String, INDArray> before = new LinkedHashMap<>();
        lora.model().stateDict().forEach((k, v) -> before.put(k, v.dup()));
        Tensor x = Tensor.constant(g.get("x").castTo(DataType.FLOAT));
        INDArray unmerged = lora.model().forward(x).value().dup();
        lora.merge();
        assertThat(lora.merged()).isTrue();
        INDArray merged = lora.model().forward(x).value().dup();
        double mergeErr = rel(merged, unmerged);
        assertThat(rel(lora.model().stateDict().get("blocks.0.attn.qkv.weight"), before.get("blocks.0.attn.qkv.weight"))).as("merge changes W").isGreaterThan(1e-4);
        lora.unmerge();
        double restoreErr = 0;
        for (String k : before.keySet()) restoreErr = Math.max(restoreErr, rel(lora.model().stateDict().get(k), before.get(k)));
        System.out.printf("merged vs unmerged rel %.3e, unmerge restores base to %.3e%n", mergeErr, restoreErr);
        assertThat(mergeErr).isLessThan(1e-5);
        assertThat(restoreErr).isLessThan(1e-6);
        assertThat(lora.model().forward(x).value()).isEqualTo(unmerged);
        before.forEach((k, v) -> assertThat(lora.model().stateDict().get(k)).as(k).isEqualTo(v));   // in fact bit for bit
    }
}
