package keyshield.vit;

import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The core of multi-head self-attention as one differentiable op, from the fused qkv projection to the
 * heads merged back (timm's {@code Attention.forward} between {@code qkv} and {@code proj}):
 * <pre>
 *   q, k, v = split(qkv)                      (B·H, N, Dh) each
 *   S = scale · q·kᵀ,  A = softmax(S)         (B·H, N, N),  scale = Dh^−½
 *   O = A·v, heads merged                     (B, N, H·Dh)
 * </pre>
 * Backward, with G = ∂L/∂O per head:
 * <pre>
 *   ∂L/∂v = Aᵀ·G,  ∂L/∂A = G·vᵀ,  ∂L/∂S = A ⊙ (∂L/∂A − Σ_j (∂L/∂A)_j A_j),
 *   ∂L/∂q = scale · ∂L/∂S·k,  ∂L/∂k = scale · (∂L/∂S)ᵀ·q
 * </pre>
 * Composed from small ops, the same computation made strided copies of q, k and v for every matmul,
 * a scalar multiply over a strided view, a five-pass softmax and three zero-filled gradients for the
 * split; fused, q, k, v are one contiguous copy, the softmax is ND4J's native op, and the three
 * gradients are written into one array. qkv (B, N, 3·D) → (B, N, D); D = H·Dh.
 */
public final class ScaledDotProductAttention extends Function {
    private final int numHeads;
    private long b, n, d, headDim;
    private INDArray q, k, v, attn;

    public ScaledDotProductAttention(int numHeads) {
        if (numHeads < 1) throw new IllegalArgumentException("attention: numHeads must be positive but is " + numHeads);
        this.numHeads = numHeads;
    }

    @Override public String name() { return "attention"; }

    /** The attention probabilities A (B, H, N, N) of the forward, for analysis. */
    public INDArray probabilities() {
        if (attn == null) throw new IllegalStateException("attention: probabilities are known only after the forward");
        return attn.reshape('c', b, numHeads, n, n);                                 // (B, H, N, N)
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray qkv = in[0];
        if (qkv.rank() != 3 || qkv.size(2) % (3L * numHeads) != 0)
            throw new ShapeException("attention: qkv must be (B, N, 3·D) with D divisible by " + numHeads + " heads but has shape "
                    + ShapeException.show(qkv.shape()));
        b = qkv.size(0);
        n = qkv.size(1);
        d = qkv.size(2) / 3;
        headDim = d / numHeads;
        INDArray split = qkv.reshape('c', b, n, 3, numHeads, headDim)                 // (B, N, 3, H, Dh)
                .permute(2, 0, 3, 1, 4).dup('c');                                     // (3, B, H, N, Dh), contiguous
        q = heads(split, 0);                                                          // (B·H, N, Dh)
        k = heads(split, 1);                                                          // (B·H, N, Dh)
        v = heads(split, 2);                                                          // (B·H, N, Dh)
        INDArray scores = Nd4j.matmul(q, k, false, true, false).muli(Math.pow(headDim, -0.5));   // (B·H, N, N)
        attn = Nd4j.createUninitialized(scores.dataType(), scores.shape());
        Nd4j.exec(new SoftMax(scores, attn, 2));
        INDArray out = Nd4j.matmul(attn, v, false, false, false);                     // (B·H, N, Dh)
        return out.reshape('c', b, numHeads, n, headDim)                              // (B, H, N, Dh)
                .permute(0, 2, 1, 3).dup('c')                                         // (B, N, H, Dh)
                .reshape('c', b, n, d);                                               // (B, N, D)
    }

    @Override protected INDArray[] backward(INDArray gradOutput) {
        INDArray g = gradOutput.reshape('c', b, n, numHeads, headDim)                 // (B, N, H, Dh)
                .permute(0, 2, 1, 3).dup('c')                                         // (B, H, N, Dh)
                .reshape('c', b * numHeads, n, headDim);                              // (B·H, N, Dh)
        INDArray grads = Nd4j.createUninitialized(q.dataType(), 3, b * numHeads, n, headDim);  // (3, B·H, N, Dh): ∂q, ∂k, ∂v
        Nd4j.matmul(attn, g, grads.slice(2), true, false, false);                    // ∂v = Aᵀ·G
        INDArray gS = Nd4j.matmul(g, v, false, true, false);                          // ∂A = G·vᵀ (B·H, N, N)
        INDArray dot = gS.mul(attn).sum(true, 2);                                     // Σ_j ∂A_j A_j (B·H, N, 1)
        gS.subi(dot).muli(attn).muli(Math.pow(headDim, -0.5));                        // scale · ∂S
        Nd4j.matmul(gS, k, grads.slice(0), false, false, false);                     // ∂q = scale · ∂S·k
        Nd4j.matmul(gS, q, grads.slice(1), true, false, false);                      // ∂k = scale · ∂Sᵀ·q
        INDArray gQkv = grads.reshape('c', 3, b, numHeads, n, headDim)                // (3, B, H, N, Dh)
                .permute(1, 3, 0, 2, 4).dup('c')                                      // (B, N, 3, H, Dh)
                .reshape('c', b, n, 3 * d);                                           // (B, N, 3·D)
        return new INDArray[] {gQkv};
    }

    /** Part {@code which} (0 q, 1 k, 2 v) of the split as (B·H, N, Dh): a contiguous view. */
    private INDArray heads(INDArray split, int which) {
        return split.slice(which).reshape('c', b * numHeads, n, headDim);            // (B, H, N, Dh) → (B·H, N, Dh)
    }
}
