package keyshield.lora;

import keyshield.nn.Dropout;
import keyshield.nn.Module;
import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;

/**
 * What {@link LoraLinear} and {@link LoraConv} share: the base layer's {@code weight} and {@code bias}
 * re-registered (frozen, same storage, timm names), the scaling α/r, the adapter dropout, and merging —
 * {@link #merge()} keeps a copy of W and adds scaling·ΔW, {@link #unmerge()} restores the copy bit for bit.
 * Subclasses say how ΔW is added ({@link #addUpdate()}) and how the un-merged forward runs.
 */
abstract class LoraBase extends Module implements LoraLayer {
    protected final Parameter weight, bias;
    protected final double scaling;
    protected final Module dropout;
    private INDArray unmergedWeight;                                               // W before merge(), while merged

    /** Registers {@code weight}, {@code bias} and {@code lora_dropout}, in that order. */
    protected LoraBase(Parameter baseWeight, Parameter baseBias, LoraConfig c, Rng rng) {
        this.scaling = c.scaling();
        this.weight = param("weight", baseWeight.data());                         // shared storage, timm name
        this.weight.setTrainable(false);
        this.bias = baseBias == null ? null : param("bias", baseBias.data());
        if (bias != null) bias.setTrainable(false);
        this.dropout = child("lora_dropout", new AdapterSlot(new Dropout(c.dropout(), rng.split("lora_dropout"))));
    }

    /** W += scaling·ΔW, under {@link GradMode#off()}. */
    protected abstract void addUpdate();

    @Override
    public final void merge() {
        if (merged()) throw new IllegalStateException("LoRA layer is already merged");
        requireFinite(getClass().getSimpleName() + " " + ShapeException.show(weight.shape()));
        unmergedWeight = Scope.outside(() -> weight.data().dup());
        addUpdate();
    }

    @Override
    public final void unmerge() {
        if (!merged()) throw new IllegalStateException("LoRA layer is not merged");
        try (var noGrad = GradMode.off()) {
            weight.data().assign(unmergedWeight);
        }
        unmergedWeight = null;
    }

    @Override
    public final boolean merged() { return unmergedWeight != null; }

    @Override
    public final LinkedHashMap<String, Parameter> baseParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        out.put("weight", weight);
        if (bias != null) out.put("bias", bias);
        return out;
    }

    public final double scaling() { return scaling; }
}
