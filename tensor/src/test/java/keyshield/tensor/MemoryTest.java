package keyshield.tensor;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Off-heap memory stays flat over 10,000 training-style iterations (forward, backward, in-place update),
 * because every intermediate is owned by the step's {@link Scope}. ND4J frees off-heap buffers only when
 * the GC collects their owners, and a loop that allocates a few MB per step otherwise grows by gigabytes.
 */
class MemoryTest {
    private static final int BATCH = 64, IN = 256, HIDDEN = 256, CLASSES = 10;

    @Test
    void memoryDoesNotGrowOverTenThousandSteps() {
        Rng rng = Rng.seeded(42);
        Parameter w1 = new Parameter(rng.normal(DataType.FLOAT, 0, 0.05, HIDDEN, IN));
        Parameter b1 = new Parameter(rng.normal(DataType.FLOAT, 0, 0.05, HIDDEN));
        Parameter w2 = new Parameter(rng.normal(DataType.FLOAT, 0, 0.05, CLASSES, HIDDEN));
        Parameter[] params = {w1, b1, w2};
        INDArray x = rng.uniform(DataType.FLOAT, 0, 1, BATCH, IN);
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) y[i] = i % CLASSES;

        double firstLoss = step(params, x, y), lastLoss = firstLoss;
        for (int i = 1; i < 1_000; i++) lastLoss = step(params, x, y);
        long warm = offHeapBytes();
        for (int i = 0; i < 9_000; i++) lastLoss = step(params, x, y);
        long grown = offHeapBytes() - warm;

        assertThat(lastLoss).as("the loop really trains").isLessThan(firstLoss * 0.5);
        assertThat(grown).as("off-heap growth over 9,000 steps after warm-up, bytes").isLessThan(150L << 20);
    }

    /**
     * Resident memory minus what the JVM has committed for heap and non-heap: what ND4J holds off-heap.
     * (Without a scope per step this grows by about 0.7 GB per 1,000 steps of this loop; the Java heap
     * itself may legitimately grow until the GC runs, which is why it is subtracted.)
     */
    private static long offHeapBytes() {
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        return Pointer.physicalBytes() - memory.getHeapMemoryUsage().getCommitted() - memory.getNonHeapMemoryUsage().getCommitted();
    }

    private static double step(Parameter[] p, INDArray xArr, int[] y) {
        try (var step = Scope.open()) {
            Tensor x = Tensor.constant(xArr);
            Tensor logits = x.linear(p[0], p[1]).relu().linear(p[2], null);         // (B, classes)
            Tensor loss = logits.logSoftmax(-1).pick(y).mean().neg();
            loss.backward();
            try (var noGrad = GradMode.off()) {
                for (Parameter q : p) {
                    q.data().subi(q.grad().mul(0.05));
                    q.zeroGrad();
                }
            }
            return loss.item();
        }
    }
}
