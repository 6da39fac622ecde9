package keyshield.vit;

import keyshield.nn.Dropout;
import keyshield.nn.Gelu;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/** The block's feed-forward network: fc1 → GELU → dropout → fc2 → dropout. (B, N, D) → (B, N, D). */
public class Mlp extends Module {
    private final Linear fc1, fc2;
    private final Gelu act = new Gelu();
    private final Dropout drop;

    public Mlp(ViTConfig c, Rng rng, DataType dtype) {
        fc1 = child("fc1", new Linear(c.embedDim(), c.mlpHidden(), true, rng.split("fc1"), dtype));
        fc2 = child("fc2", new Linear(c.mlpHidden(), c.embedDim(), true, rng.split("fc2"), dtype));
        drop = child("drop", new Dropout(c.dropRate(), rng.split("drop")));
    }

    @Override
    public Tensor forward(Tensor x) {
        return drop.forward(fc2.forward(drop.forward(act.forward(fc1.forward(x)))));   // (B, N, D)
    }

    public Linear fc1() { return fc1; }

    public Linear fc2() { return fc2; }
}
