package keyshield.vit;

import keyshield.nn.Dropout;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Function;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.function.Consumer;

/**
 * Multi-head self-attention with a fused qkv projection, as timm's {@code Attention}:
 * q, k, v = split(x·W_qkvᵀ + b), A = softmax(q·kᵀ / √headDim), out = (A·v merged over heads)·W_projᵀ + b.
 * The core from qkv to the merged heads is one fused op ({@link ScaledDotProductAttention}); dropout
 * ({@code dropRate}) on the projected output, as timm 0.4's {@code proj_drop}. x (B, N, D) → (B, N, D).
 */
public class Attention extends Module {
    private final int numHeads;
    private final Linear qkv;
    private Module qkvLayer;                                                       // qkv, or an adapter wrapping it
    private final Linear proj;
    private final Dropout projDrop;
    private Consumer<Tensor> attentionProbe;

    public Attention(ViTConfig c, Rng rng, DataType dtype) {
        this.numHeads = c.numHeads();
        this.qkv = child("qkv", new Linear(c.embedDim(), 3 * c.embedDim(), c.qkvBias(), rng.split("qkv"), dtype));
        this.qkvLayer = qkv;
        this.proj = child("proj", new Linear(c.embedDim(), c.embedDim(), true, rng.split("proj"), dtype));
        this.projDrop = child("proj_drop", new Dropout(c.dropRate(), rng.split("proj_drop")));
    }

    @Override
    public Tensor forward(Tensor x) {
        ScaledDotProductAttention core = new ScaledDotProductAttention(numHeads);
        Tensor out = Function.apply(core, qkvLayer.forward(x));                        // (B, N, 3·D) → (B, N, D)
        if (attentionProbe != null) attentionProbe.accept(Tensor.constant(core.probabilities()));   // (B, H, N, N)
        return projDrop.forward(proj.forward(out));
    }

    /** Replaces the qkv projection, e.g. by a LoRA wrapper around it (registered under the same name). */
    public void replaceQkv(Module wrapper) { qkvLayer = replaceChild("qkv", wrapper); }

    public Linear qkv() { return qkv; }

    public Linear proj() { return proj; }

    /** Receives each forward's attention probabilities (B, H, N, N); null to stop. For analysis and tests. */
    public void setAttentionProbe(Consumer<Tensor> probe) { this.attentionProbe = probe; }
}
