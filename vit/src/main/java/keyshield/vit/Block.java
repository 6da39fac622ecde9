package keyshield.vit;

import keyshield.nn.DropPath;
import keyshield.nn.LayerNorm;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)), each residual branch under
 * stochastic depth. (B, N, D) → (B, N, D).
 */
public class Block extends Module {
    private final LayerNorm norm1, norm2;
    private final Attention attn;
    private final Mlp mlp;
    private final DropPath dropPath;

    public Block(ViTConfig c, double dropPathRate, Rng rng, DataType dtype) {
        norm1 = child("norm1", new LayerNorm(c.embedDim(), 1e-6, dtype));
        attn = child("attn", new Attention(c, rng.split("attn"), dtype));
        norm2 = child("norm2", new LayerNorm(c.embedDim(), 1e-6, dtype));
        mlp = child("mlp", new Mlp(c, rng.split("mlp"), dtype));
        dropPath = child("drop_path", new DropPath(dropPathRate, rng.split("drop_path")));
    }

    @Override
    public Tensor forward(Tensor x) {
        x = x.add(dropPath.forward(attn.forward(norm1.forward(x))));
        return x.add(dropPath.forward(mlp.forward(norm2.forward(x))));
    }

    public Attention attn() { return attn; }

    public Mlp mlp() { return mlp; }
}
