package keyshield.experiments.bench;

import keyshield.attacks.Attacks;
import keyshield.attacks.Classifier;
import keyshield.attacks.LossReduction;
import keyshield.attacks.PgdSpec;
import keyshield.attacks.Targeting;
import keyshield.attacks.ThreatModel;
import keyshield.nn.Losses;
import keyshield.nn.optim.AdamW;
import keyshield.tensor.GradMode;
import keyshield.tensor.OpProfile;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The workloads of {@code keyshield bench}, named as in {@code bench/peer_torch.py} so the two sides
 * line up. Each returns the median of {@code runs} timed repetitions after {@code warmup} untimed ones, in
 * its unit (GFLOP/s for matrix products, images/s otherwise).
 */
public enum Workload {
    GEMM_QKV("gemm_1576x768x2304", "GFLOP/s") { @Override Timed prepare() { return gemm(1576, 768, 2304); } },
    GEMM_FC1("gemm_1576x768x3072", "GFLOP/s") { @Override Timed prepare() { return gemm(1576, 768, 3072); } },
    GEMM_FC2("gemm_1576x3072x768", "GFLOP/s") { @Override Timed prepare() { return gemm(1576, 3072, 768); } },
    GEMM_PROJ("gemm_1576x768x768", "GFLOP/s") { @Override Timed prepare() { return gemm(1576, 768, 768); } },
    GEMM_PEAK("gemm_2048x2048x2048", "GFLOP/s") { @Override Timed prepare() { return gemm(2048, 2048, 2048); } },
    VIT_CIFAR_TRAIN("vit_cifar_train_b128", "img/s") { @Override Timed prepare() { return train(ViTConfig.cifar(10), 128); } },
    VIT_CIFAR_PGD("vit_cifar_pgd10_b128", "img/s") {
        @Override Timed prepare() { return pgd(128); }
        @Override int warmups(int asked) { return Math.min(asked, 1); }
    },
    VIT_B16_FORWARD("vit_b16_forward_b8", "img/s") { @Override Timed prepare() { return forward(ViTConfig.base16(1000), 8); } },
    VIT_B16_TRAIN("vit_b16_train_b8", "img/s") {
        @Override Timed prepare() { return train(ViTConfig.base16(1000), 8); }
        @Override int warmups(int asked) { return 1; }
    },
    /** The memory target: ViT-B/16 training at batch 32 in 12 GiB, with activation checkpointing of the blocks. */
    VIT_B16_TRAIN_B32("vit_b16_train_b32", "img/s") {
        @Override Timed prepare() { return train(ViTConfig.base16(1000), 32, true); }
        @Override int warmups(int asked) { return 1; }
        @Override int runs(int asked) { return Math.min(asked, 3); }                  // ~20 s a step: keeps the bench under 15 min
    };

    public final String id, unit;

    Workload(String id, String unit) { this.id = id; this.unit = unit; }

    /** One repetition of the workload, and how many units (images, or GFLOP) one repetition is. */
    record Timed(Runnable body, double unitsPerRun) {}

    /** Builds the model and inputs (not timed) and returns the repeated body. */
    abstract Timed prepare();

    /** Warm-up runs this workload takes when {@code asked} are asked for (the slow ones take fewer). */
    int warmups(int asked) { return asked; }

    /** Timed runs this workload takes when {@code asked} are asked for. */
    int runs(int asked) { return asked; }

    /** Units per second (GFLOP/s for matrix products, images/s otherwise): the median of {@code runs} timed repetitions. */
    double measure(int warmup, int runs) {
        Timed t = prepare();
        return t.unitsPerRun() / median(t.body(), warmups(warmup), runs(runs));
    }

    /**
     * The op-by-op profile of {@code runs} repetitions after the usual warm-up: a Markdown table
     * ({@link OpProfile#table}) with the wall time per run.
     */
    public String profile(int warmup, int runs) {
        Timed t = prepare();
        for (int i = 0; i < warmups(warmup); i++) t.body().run();
        try (OpProfile p = OpProfile.open()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) t.body().run();
            long wall = System.nanoTime() - t0;
            return String.format("%s: %d runs, %.1f ms per run, %.2f %s%n%n%s", id, runs, wall / 1e6 / runs,
                    t.unitsPerRun() * runs / (wall / 1e9), unit, p.table(wall));
        }
    }

    public static Workload byId(String id) {
        return Arrays.stream(values()).filter(w -> w.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + id + "'; known: " + Arrays.stream(values()).map(w -> w.id).toList()));
    }

    static double median(Runnable r, int warmup, int runs) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    private static Timed gemm(long m, long k, long n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.create(DataType.FLOAT, m, n);
        return new Timed(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), 2.0 * m * k * n / 1e9);
    }

    private static Timed forward(ViTConfig c, int batch) {
        VisionTransformer vit = new VisionTransformer(c, Rng.seeded(0));
        vit.eval();
        INDArray x = Rng.seeded(1).uniform(DataType.FLOAT, 0, 1, batch, 3, c.imgSize(), c.imgSize());
        return new Timed(() -> {
            try (var s = Scope.open(); var off = GradMode.off()) { vit.forward(Tensor.constant(x)); }
        }, batch);
    }

    private static Timed train(ViTConfig c, int batch) { return train(c, batch, false); }

    private static Timed train(ViTConfig c, int batch, boolean checkpointBlocks) {
        VisionTransformer vit = new VisionTransformer(c, Rng.seeded(0));
        vit.setCheckpointBlocks(checkpointBlocks);
        vit.train();
        AdamW opt = new AdamW(vit.namedParameters(), AdamW.Options.of(1e-4, 0.05));
        INDArray x = Rng.seeded(1).uniform(DataType.FLOAT, 0, 1, batch, 3, c.imgSize(), c.imgSize());
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = i % c.numClasses();
        return new Timed(() -> {
            try (var s = Scope.open()) {
                Losses.crossEntropy(vit.forward(Tensor.constant(x)), y).backward();
                opt.step();
                opt.zeroGrad();
            }
        }, batch);
    }

    private static Timed pgd(int batch) {
        VisionTransformer vit = new VisionTransformer(ViTConfig.cifar(10), Rng.seeded(0));
        vit.eval();
        Classifier classifier = Classifier.of(vit::forward, vit.parameters());
        INDArray x = Rng.seeded(1).uniform(DataType.FLOAT, 0, 1, batch, 3, 32, 32);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = i % 10;
        PgdSpec spec = new PgdSpec(10, 2.0 / 255, true, LossReduction.MEAN, Targeting.UNTARGETED);
        return new Timed(() -> Attacks.run(spec, classifier, x, y, ThreatModel.linf(8.0 / 255), Rng.seeded(2)), batch);
    }
}
