package keyshield.nn.optim;

import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.LinkedHashMap;
import java.util.List;

import static keyshield.nn.optim.OptimizerReferenceProperties.setGrad;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stepping never accumulates off-heap memory, even when the caller opens no scope: each AdamW/SGD step
 * allocates a few parameter-sized temporaries (≈ 1.5 MB here, ≈ 0.9 GB over the loop if they were not
 * freed), which the step's own scope frees. What remains is ND4J's per-op bookkeeping (tens of KB per
 * step, released when the Java GC runs), hence the margin.
 */
class OptimizerMemoryTest {
    @Test
    void stepsOutsideAnyScopeDoNotGrowOffHeapMemory() {
        Parameter p = new Parameter(Rng.seeded(1).uniform(DataType.FLOAT, -1, 1, 256, 256));
        setGrad(p, Rng.seeded(3).uniform(DataType.FLOAT, -1, 1, 256, 256));
        var named = new LinkedHashMap<String, Parameter>();
        named.put("p.weight", p);
        for (Optimizer opt : List.of(new AdamW(named, AdamW.Options.of(1e-4, 0.01)), new Sgd(named, new Sgd.Options(1e-4, 0.9, true, 0.01)))) {
            for (int i = 0; i < 100; i++) opt.step();
            long warm = offHeapBytes();
            for (int i = 0; i < 600; i++) opt.step();
            long grown = offHeapBytes() - warm;
            assertThat(grown).as("off-heap growth over 600 steps of %s after warm-up, bytes", opt.getClass().getSimpleName())
                    .isLessThan(200L << 20);
        }
        assertThat(p.data().isAttached()).isFalse();
    }

    /** Resident memory minus what the JVM has committed for heap and non-heap: what ND4J holds off-heap. */
    private static long offHeapBytes() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - memory.getHeapMemoryUsage().getCommitted() - memory.getNonHeapMemoryUsage().getCommitted();
    }
}
