package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static keyshield.nn.optim.OptimizerReferenceProperties.setGrad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptimizerBehaviourTest {
    private static Parameter param(long seed, long... shape) {
        return new Parameter(Rng.seeded(seed).uniform(DataType.DOUBLE, -1, 1, shape));
    }

    @Test
    void timmRuleDecaysOnlyMatricesAndKernelsThatAreNotEmbeddings() {
        var named = new LinkedHashMap<String, Parameter>();
        named.put("cls_token", param(1, 1, 1, 8));
        named.put("pos_embed", param(2, 1, 5, 8));
        named.put("patch_embed.proj.weight", param(3, 8, 3, 2, 2));
        named.put("patch_embed.proj.bias", param(4, 8));
        named.put("blocks.0.norm1.weight", param(5, 8));
        named.put("blocks.0.attn.qkv.weight", param(6, 24, 8));
        named.put("blocks.0.attn.qkv.bias", param(7, 24));
        named.put("head.weight", param(8, 10, 8));
        named.put("odd.bias", param(9, 2, 2));                    // a rank-2 bias is still a bias
        var adamw = new AdamW(named, AdamW.Options.of(1e-3, 0.05));
        assertThat(adamw.decayedParameters()).containsExactly("patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "head.weight");
        assertThat(new Sgd(named, Sgd.Options.plain(0.1)).decayedParameters()).hasSize(named.size());
    }

    @Test
    void frozenParametersAndParametersWithoutGradientAreUntouchedBitForBit() {
        for (Function<Map<String, Parameter>, Optimizer> make : List.<Function<Map<String, Parameter>, Optimizer>>of(
                n -> new AdamW(n, AdamW.Options.of(0.1, 0.5)),
                n -> new Sgd(n, new Sgd.Options(0.1, 0.9, true, 0.5)))) {
            Parameter trained = param(1, 3, 3), frozen = param(2, 3, 3), unreached = param(3, 3, 3);
            var named = new LinkedHashMap<String, Parameter>();
            named.put("trained", trained);
            named.put("frozen", frozen);
            named.put("unreached", unreached);
            Optimizer opt = make.apply(named);
            INDArray trainedBefore = trained.data().dup(), frozenBefore = frozen.data().dup(), unreachedBefore = unreached.data().dup();
            for (int s = 0; s < 3; s++) {
                try (var scope = Scope.open()) {
                    setGrad(trained, Rng.seeded(10 + s).uniform(DataType.DOUBLE, -1, 1, 3, 3));
                    setGrad(frozen, Rng.seeded(20 + s).uniform(DataType.DOUBLE, -1, 1, 3, 3));
                    frozen.setTrainable(false);                   // has a gradient, but is frozen now
                    opt.step();
                    frozen.setTrainable(true);
                }
            }
            assertThat(unreached.grad()).isNull();
            assertThat(frozen.data()).isEqualTo(frozenBefore);
            assertThat(unreached.data()).isEqualTo(unreachedBefore);
            assertThat(trained.data()).isNotEqualTo(trainedBefore);
        }
    }

    @Test
    void adamWCountsStepsPerParameterSoSkippedParametersKeepTheirBiasCorrection() {
        Parameter a = param(1, 2, 2), b = param(2, 2, 2);
        var named = new LinkedHashMap<String, Parameter>();
        named.put("a", a);
        named.put("b", b);
        var adamw = new AdamW(named, AdamW.Options.of(0.1, 0));
        setGrad(a, Rng.seeded(3).uniform(DataType.DOUBLE, -1, 1, 2, 2));
        adamw.step();
        adamw.step();
        setGrad(b, Rng.seeded(4).uniform(DataType.DOUBLE, -1, 1, 2, 2));
        adamw.step();
        assertThat(adamw.stepCount(0)).isEqualTo(3);
        assertThat(adamw.stepCount(1)).isEqualTo(1);
        // Adam's first bias-corrected step moves every element by lr·g/(|g| + ε/…) ≈ lr: here exactly ±0.1
        INDArray bBefore = param(2, 2, 2).data();
        INDArray moved = b.data().sub(bBefore);
        for (double d : moved.data().asDouble()) assertThat(Math.abs(d)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void adamWMinimisesAQuadratic() {
        Rng rng = Rng.seeded(7);
        INDArray target = rng.split("c").uniform(DataType.DOUBLE, -3, 3, 20);
        INDArray curvature = rng.split("a").uniform(DataType.DOUBLE, 0.1, 10, 20);   // ill-conditioned: 100×
        Parameter theta = new Parameter(rng.split("theta").uniform(DataType.DOUBLE, -3, 3, 20));
        var named = new LinkedHashMap<String, Parameter>();
        named.put("theta", theta);
        var adamw = new AdamW(named, AdamW.Options.of(0.05, 0));
        var schedule = new LrSchedule.WarmupCosine(0.05, 0, 20, 1500);
        double first = Double.NaN, last = Double.NaN;
        for (int s = 0; s < 1500; s++) {
            try (var scope = Scope.open()) {
                adamw.zeroGrad();
                adamw.setLearningRate(schedule.lr(s));
                Tensor diff = theta.sub(Tensor.constant(target));
                Tensor loss = diff.mul(diff).mul(Tensor.constant(curvature)).sum().mul(0.5);  // ½ Σ aᵢ(θᵢ − cᵢ)²
                loss.backward();
                adamw.step();
                last = loss.item();
                if (s == 0) first = last;
            }
        }
        assertThat(first).isGreaterThan(1);
        assertThat(last).isLessThan(1e-8);
        assertThat(theta.data().sub(target).amaxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void badConfigurationsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> new Sgd.Options(0.1, 0, true, 0)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new Sgd.Options(-1, 0, false, 0)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new AdamW.Options(0.1, 1.0, 0.999, 1e-8, 0)).hasMessageContaining("beta1").hasMessageContaining("1.0");
        assertThatThrownBy(() -> new AdamW(new LinkedHashMap<>(), AdamW.Options.of(0.1, 0))).hasMessageContaining("no parameters");
        Parameter p = param(1, 2);
        var tied = new LinkedHashMap<String, Parameter>();
        tied.put("embed.weight", p);
        tied.put("head.weight", p);
        assertThatThrownBy(() -> new Sgd(tied, Sgd.Options.plain(0.1))).hasMessageContaining("embed.weight").hasMessageContaining("head.weight");
        var one = new LinkedHashMap<String, Parameter>();
        one.put("p", p);
        assertThatThrownBy(() -> new Sgd(one, Sgd.Options.plain(0.1)).setLearningRate(Double.NaN)).hasMessageContaining("NaN");
    }
}
