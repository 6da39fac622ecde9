package keyshield.lora;

import keyshield.nn.Module;
import keyshield.tensor.Tensor;

/**
 * peft's per-adapter dictionary level: {@code lora_A} holds one layer per adapter name, so its weight is
 * {@code lora_A.default.weight}. We keep a single slot named {@code default} (peft's default adapter name)
 * and switch adapters by copying tensors into it ({@link AdapterRegistry}).
 */
final class AdapterSlot extends Module {
    static final String NAME = "default";
    private final Module layer;

    AdapterSlot(Module layer) { this.layer = child(NAME, layer); }

    @Override
    public Tensor forward(Tensor x) { return layer.forward(x); }
}
