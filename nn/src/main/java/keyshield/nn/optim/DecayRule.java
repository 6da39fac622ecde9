package keyshield.nn.optim;

import keyshield.tensor.Parameter;

import java.util.Set;

/**
 * Which parameters receive weight decay. Decaying a bias, a normalisation scale or a position embedding
 * pulls it towards zero for no regularisation benefit (these tensors do not carry the model's
 * capacity), so transformer recipes exclude them. {@link #TIMM} is timm's rule
 * ({@code param_groups_weight_decay} with ViT's {@code no_weight_decay()} set).
 */
@FunctionalInterface
public interface DecayRule {
    /** True when the parameter named {@code name} is decayed. */
    boolean decays(String name, Parameter p);

    /** Every parameter is decayed (PyTorch's optimizers without parameter groups). */
    DecayRule ALL = (name, p) -> true;

    /** No parameter is decayed. */
    DecayRule NONE = (name, p) -> false;

    /** Names timm's ViT lists in {@code no_weight_decay()}. */
    Set<String> TIMM_NO_DECAY_NAMES = Set.of("pos_embed", "cls_token", "dist_token");

    /**
     * timm's rule: no decay for tensors of rank ≤ 1 (biases, LayerNorm/BatchNorm weights), for names
     * ending in {@code .bias}, and for embeddings whose last name component is {@code pos_embed},
     * {@code cls_token} or {@code dist_token}; every other tensor (Linear and Conv weights) decays.
     */
    DecayRule TIMM = (name, p) -> {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return p.rank() > 1 && !last.equals("bias") && !TIMM_NO_DECAY_NAMES.contains(last);
    };
}
