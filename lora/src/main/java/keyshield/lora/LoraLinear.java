package keyshield.lora;

import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A frozen Linear plus a low-rank update (Hu et al. 2022, eq. 3):
 * <pre>
 *   y = x·Wᵀ + b + scaling · B·A·dropout(x),   A (r, in), B (out, r), scaling = alpha / r
 * </pre>
 * x (…, in) → (…, out). The base parameters are re-registered as this module's own {@code weight} and
 * {@code bias} (the same storage, frozen), so timm names survive; the factors are
 * {@code lora_A.default.weight} and {@code lora_B.default.weight} as in peft.
 *
 * <p>In {@link LoraConfig.QkvMode#Q_V} mode on a fused qkv (out = 3·D) there are two factor pairs, on the
 * q rows [0, D) and the v rows [2D, 3D), named {@code q.lora_A.default.weight}, {@code v.lora_B.default.weight}, …;
 * the k rows get no update.
 */
public final class LoraLinear extends LoraBase {
    /** One factor pair updating the output rows [from, to). */
    private record Part(String prefix, long from, long to, Linear a, Linear b) {}

    private final Linear base;
    private final List<Part> parts = new ArrayList<>();

    /** One adapter over all output rows. */
    public static LoraLinear fused(Linear base, LoraConfig c, Rng rng) {
        return new LoraLinear(base, c, rng, new String[] {""}, new long[][] {{0, base.outFeatures}});
    }

    /** Adapters on the q and v thirds of a fused qkv projection only. */
    public static LoraLinear qv(Linear base, LoraConfig c, Rng rng) {
        if (base.outFeatures % 3 != 0)
            throw new IllegalArgumentException("Q_V LoRA needs a fused qkv Linear with 3·D outputs but it has " + base.outFeatures);
        long d = base.outFeatures / 3;
        return new LoraLinear(base, c, rng, new String[] {"q", "v"}, new long[][] {{0, d}, {2 * d, 3 * d}});
    }

    private LoraLinear(Linear base, LoraConfig c, Rng rng, String[] names, long[][] rows) {
        super(base.weight(), base.bias(), c, rng);
        this.base = base;
        DataType dtype = base.weight().dtype();
        for (int i = 0; i < names.length; i++) {
            long from = rows[i][0], to = rows[i][1];
            Rng pr = names[i].isEmpty() ? rng : rng.split(names[i]);
            Linear a = new Linear(base.inFeatures, c.r(), false, pr.split("lora_A"), dtype);
            Linear b = new Linear(c.r(), (int) (to - from), false, pr.split("lora_B"), dtype);
            a.weight().assign(AdapterInit.a(c.init(), pr.split("lora_A.init"), dtype, base.inFeatures, c.r(), c.r(), base.inFeatures), "lora_A");
            b.weight().assign(AdapterInit.b(c.init(), pr.split("lora_B.init"), dtype, c.r(), to - from, c.r()), "lora_B");
            if (names[i].isEmpty()) {
                child("lora_A", new AdapterSlot(a));
                child("lora_B", new AdapterSlot(b));
                parts.add(new Part("", from, to, a, b));
            } else {
                child(names[i], new SlicePair(a, b));
                parts.add(new Part(names[i] + ".", from, to, a, b));
            }
        }
    }

    /** The {@code lora_A}/{@code lora_B} pair of one row slice, under the slice's name. */
    private static final class SlicePair extends Module {
        SlicePair(Linear a, Linear b) {
            child("lora_A", new AdapterSlot(a));
            child("lora_B", new AdapterSlot(b));
        }

        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException("applied by LoraLinear"); }
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x.linear(weight, bias);                                        // (…, out)
        if (merged()) return y;
        Tensor h = dropout.forward(x);                                            // (…, in)
        int last = x.rank() - 1;
        List<Tensor> pieces = new ArrayList<>();
        long at = 0;
        for (Part p : parts) {
            if (p.from > at) pieces.add(zerosLike(y, p.from - at));             // rows without an update
            pieces.add(h.linear(p.a.weight(), null)                               // (…, r)
                        .linear(p.b.weight(), null));                             // (…, to − from)
            at = p.to;
        }
        if (at < base.outFeatures) pieces.add(zerosLike(y, base.outFeatures - at));
        Tensor update = pieces.size() == 1 ? pieces.get(0) : Tensor.concat(last, pieces.toArray(Tensor[]::new));   // (…, out)
        return y.add(update.mul(scaling));
    }

    private static Tensor zerosLike(Tensor y, long width) {
        long[] shape = y.shape().clone();
        shape[shape.length - 1] = width;
        return Tensor.zeros(y.dtype(), shape);
    }

    /** W[from:to] += scaling · B·A for every part. */
    @Override
    protected void addUpdate() {
        try (var noGrad = GradMode.off()) {
            for (Part p : parts) {
                INDArray delta = Nd4j.gemm(p.b.weight().data(), p.a.weight().data(), false, false)   // (to − from, in)
                        .muli(scaling);
                weight.data().get(NDArrayIndex.interval(p.from, p.to), NDArrayIndex.all()).addi(delta);
            }
        }
    }

    @Override
    public LinkedHashMap<String, Parameter> adapterParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        for (Part p : parts) {
            out.put(p.prefix + "lora_A." + AdapterSlot.NAME + ".weight", p.a.weight());
            out.put(p.prefix + "lora_B." + AdapterSlot.NAME + ".weight", p.b.weight());
        }
        return out;
    }

    /** The wrapped layer (its parameters share storage with this module's {@code weight}/{@code bias}). */
    public Linear base() { return base; }

}
