package keyshield.lora;

import keyshield.nn.Conv2d;
import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;

/**
 * A frozen Conv2d plus a low-rank update, as peft's LoRA {@code Conv2d}: A is a convolution with the base
 * kernel size, stride and padding and r output channels, B a 1×1 convolution from r to the base outputs,
 * neither with a bias:
 * <pre>
 *   y = conv(x; W, b) + scaling · B(A(dropout(x))),   A (r, C, k, k), B (O, r, 1, 1), scaling = alpha / r
 * </pre>
 * x (N, C, H, W) → (N, O, H', W'). For the ViT patch embedding k = stride = p. Since B is 1×1 the update is
 * itself a k×k convolution with kernel ΔW[o, c, i, j] = Σ_r B[o, r]·A[r, c, i, j], which is what
 * {@link #merge()} adds to W. Names as {@link LoraLinear}: {@code weight}, {@code bias} (shared with the
 * base), {@code lora_A.default.weight}, {@code lora_B.default.weight}.
 */
public final class LoraConv extends LoraBase {
    private final Conv2d base, a, b;

    public LoraConv(Conv2d base, LoraConfig c, Rng rng) {
        super(base.weight(), base.bias(), c, rng);
        this.base = base;
        DataType dtype = base.weight().dtype();
        int k = base.kernelSize, r = c.r();
        long fanIn = (long) base.inChannels * k * k;
        a = new Conv2d(base.inChannels, r, k, base.stride, base.padding, false, rng.split("lora_A"), dtype);
        b = new Conv2d(r, base.outChannels, 1, 1, 0, false, rng.split("lora_B"), dtype);
        a.weight().assign(AdapterInit.a(c.init(), rng.split("lora_A.init"), dtype, fanIn, r, r, base.inChannels, k, k), "lora_A");
        b.weight().assign(AdapterInit.b(c.init(), rng.split("lora_B.init"), dtype, r, base.outChannels, r, 1, 1), "lora_B");
        child("lora_A", new AdapterSlot(a));
        child("lora_B", new AdapterSlot(b));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x.conv2d(weight, bias, base.stride, base.padding);             // (N, O, H', W')
        if (merged()) return y;
        Tensor update = dropout.forward(x)
                .conv2d(a.weight(), null, base.stride, base.padding)               // (N, r, H', W')
                .conv2d(b.weight(), null, 1, 0);                                   // (N, O, H', W')
        return y.add(update.mul(scaling));
    }

    /** W += scaling · (B∘A), the composed k×k kernel. */
    @Override
    protected void addUpdate() {
        long o = base.outChannels, c = base.inChannels, k = base.kernelSize, r = a.outChannels;
        try (var noGrad = GradMode.off()) {
            INDArray bm = b.weight().data().reshape('c', o, r);                   // (O, r)
            INDArray am = a.weight().data().reshape('c', r, c * k * k);           // (r, C·k·k)
            INDArray delta = Nd4j.gemm(bm, am, false, false)                      // (O, C·k·k)
                    .reshape('c', o, c, k, k)                                      // (O, C, k, k)
                    .muli(scaling);
            weight.data().addi(delta);
        }
    }

    @Override
    public LinkedHashMap<String, Parameter> adapterParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        out.put("lora_A." + AdapterSlot.NAME + ".weight", a.weight());
        out.put("lora_B." + AdapterSlot.NAME + ".weight", b.weight());
        return out;
    }

    /** The wrapped convolution (its parameters share storage with this module's {@code weight}/{@code bias}). */
    public Conv2d base() { return base; }

}
