package keyshield.nn;

import keyshield.tensor.Tensor;

/** y = x: a placeholder where a configuration turns a layer off (e.g. no drop path, no pre-logits). */
public class Identity extends Module {
    @Override
    public Tensor forward(Tensor x) { return x; }
}
