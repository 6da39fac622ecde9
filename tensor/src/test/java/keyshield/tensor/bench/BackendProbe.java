package keyshield.tensor.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Measures what decides the choice of ND4J's native build (docs/backends.md): float32 gemm GFLOP/s on
 * the shapes ViT-B/16 uses at batch 8, a large square gemm (the attainable peak), and the fixed cost of
 * one small op. Run with the test classpath of the classifier under test:
 * <pre>
 * mvn -q -pl tensor test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dnd4j.classifier=linux-x86_64-avx2
 * java -cp tensor/target/test-classes:tensor/target/classes:$(cat cp.txt) keyshield.tensor.bench.BackendProbe
 * </pre>
 * Median of 7 timed runs after 3 warm-ups.
 */
public final class BackendProbe {
    private BackendProbe() {}

    public static void main(String[] args) {
        System.out.println("build: " + Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor")
                + ", threads " + Nd4j.getEnvironment().maxMasterThreads());
        long[][] shapes = {
            {1576, 768, 2304},    // qkv: (8·197, 768) · (768, 2304)
            {1576, 768, 3072},    // fc1
            {1576, 3072, 768},    // fc2
            {1576, 768, 768},     // proj
            {2048, 2048, 2048},   // large square: the attainable peak
        };
        for (long[] s : shapes) {
            INDArray a = Nd4j.rand(DataType.FLOAT, s[0], s[1]), b = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
            INDArray c = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            double sec = median(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
            System.out.printf("gemm %5d x %5d x %5d : %7.1f GFLOP/s%n", s[0], s[1], s[2], 2.0 * s[0] * s[1] * s[2] / sec / 1e9);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 16), y = Nd4j.rand(DataType.FLOAT, 16);
        int n = 20_000;
        double sec = median(() -> { for (int i = 0; i < n; i++) x.add(y); });
        System.out.printf("small op (16-element add, new output): %6.2f us/op%n", sec / n * 1e6);
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 3; i++) r.run();
        double[] t = new double[7];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
