package keyshield.lora;

import keyshield.tensor.Rng;
import keyshield.vit.ViTConfig;
import keyshield.vit.VisionTransformer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small models and inputs for fast tests. */
final class Tiny {
    private Tiny() {}

    /** img 8, patch 4, dim 12, depth 2, heads 2, mlp 2x, 3 classes. */
    static final ViTConfig CONFIG = new ViTConfig(8, 4, 3, 3, 12, 2, 2, 2.0, true, 0, 0, true, ViTConfig.GlobalPool.TOKEN);

    static VisionTransformer vit(long seed, DataType dtype) {
        VisionTransformer m = new VisionTransformer(CONFIG, Rng.seeded(seed), dtype);
        m.eval();
        return m;
    }

    static INDArray images(long seed, int batch, DataType dtype) {
        return Rng.seeded(seed).split("x").uniform(dtype, 0, 1, batch, 3, 8, 8);
    }

    static int[] labels(long seed, int batch) {
        Rng r = Rng.seeded(seed).split("y");
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = r.nextInt(3);
        return y;
    }
}
