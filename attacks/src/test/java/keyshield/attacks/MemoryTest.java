package keyshield.attacks;

import keyshield.tensor.GradMode;
import keyshield.tensor.Rng;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Off-heap memory stays flat over a long attack, because every iteration runs in its own scope. */
class MemoryTest {

    @Test
    void aLongPgdRunDoesNotGrowOffHeapMemory() {
        var model = new TinyModels.Mlp(Rng.seeded(61), DataType.FLOAT, 3 * 16 * 16, 128, 10);
        var data = TinyModels.separable(Rng.seeded(62), 64, 10, 3, 16, DataType.FLOAT);
        var warmUp = new PgdSpec(50, 1e-3, true, LossReduction.SUM, Targeting.UNTARGETED);
        var longRun = new PgdSpec(300, 1e-3, true, LossReduction.SUM, Targeting.UNTARGETED);
        Attacks.run(warmUp, model, data.x(), data.y(), ThreatModel.linf(0.03), Rng.seeded(1));
        long warm = offHeapBytes();
        AttackResult r;
        try (var off = GradMode.off()) {                            // also: gradients still flow inside a no-grad block
            r = Attacks.run(longRun, model, data.x(), data.y(), ThreatModel.linf(0.03), Rng.seeded(1));
        }
        long grown = offHeapBytes() - warm;
        assertThat(r.zeroGradientCount()).isZero();
        assertThat(grown).as("off-heap growth over 300 PGD steps, bytes").isLessThan(150L << 20);
    }

    @Test
    void budgetsParseDecimalsAndFractions() {
        assertThat(ThreatModel.parseAmount("8/255")).isEqualTo(8.0 / 255);
        assertThat(ThreatModel.parseAmount(" 0.5 ")).isEqualTo(0.5);
        assertThatThrownBy(() -> ThreatModel.parseAmount("8/x")).hasMessageContaining("'8/x'");
        assertThatThrownBy(() -> ThreatModel.parseAmount("-1")).hasMessageContaining("'-1'");
    }

    private static long offHeapBytes() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - memory.getHeapMemoryUsage().getCommitted() - memory.getNonHeapMemoryUsage().getCommitted();
    }
}
