package keyshield.attacks;

import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness's overhead in classifier calls, which on a ViT are 0.4 s each: one row to learn the number
 * of classes, one probe forward (with its backward) whose clean logits every attack reuses, and one
 * recount of the final points. Everything else is the attack's own steps.
 */
class ForwardCountTest {
    /** Counts the images of every forward the attack makes. */
    private static final class Counting implements Classifier {
        final Classifier inner;
        final List<Long> batches = new ArrayList<>();

        Counting(Classifier inner) { this.inner = inner; }

        @Override public Tensor logits(Tensor x) {
            batches.add(x.value().size(0));
            return inner.logits(x);
        }

        @Override public java.util.Collection<keyshield.tensor.Parameter> parameters() { return inner.parameters(); }
    }

    private static final TinyModels.Data DATA = TinyModels.separable(Rng.seeded(2), 8, 5, 3, 4, DataType.DOUBLE);

    private static List<Long> forwards(AttackSpec spec) {
        var model = new Counting(new TinyModels.Mlp(Rng.seeded(1), DataType.DOUBLE, 3 * 4 * 4, 16, 5));
        Attacks.run(spec, model, DATA.x(), DATA.y(), ThreatModel.linf(8.0 / 255), Rng.seeded(3));
        return model.batches;
    }

    @Test
    void pgdOfTStepsRunsTheClassifierTPlusThreeTimes() {
        List<Long> n = forwards(new PgdSpec(10, 2.0 / 255, true, LossReduction.MEAN, Targeting.UNTARGETED));
        assertThat(n).hasSize(13);
        assertThat(n.get(0)).as("the class-count probe is one image").isEqualTo(1L);
        assertThat(n.subList(1, n.size())).as("probe, 10 steps, recount: whole batches").allMatch(b -> b == 8L);
    }

    @Test
    void targetedAttacksTakeTheirTargetsFromTheProbesLogits() {
        assertThat(forwards(new PgdSpec(10, 2.0 / 255, false, LossReduction.SUM, Targeting.LEAST_LIKELY))).hasSize(13);
        assertThat(forwards(FgsmSpec.standard())).as("class count, probe, one step, recount").hasSize(4);
    }
}
