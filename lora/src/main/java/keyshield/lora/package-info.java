/**
 * Low-rank adaptation (LoRA, Hu et al. 2022) of a frozen Vision Transformer, so that one pre-trained base
 * serves many keyed models, each a small adapter.
 *
 * <p>A wrapped layer computes y = W·x + b + (α/r)·B·A·dropout(x) with A (r, in) and B (out, r); A starts
 * Kaiming-uniform and B at zero, so a new adapter changes nothing. The patch embedding (a convolution with
 * kernel = stride = p) is adapted as in peft: A is a p×p convolution with r output channels and stride p,
 * B a 1×1 convolution.
 *
 * <p>Names. A wrapper is registered under the wrapped layer's own name and re-registers the base layer's
 * parameters (the same storage) as its own {@code weight}/{@code bias}, so a base state dict keeps its timm
 * names ({@code blocks.0.attn.qkv.weight}) and stays loadable, while the adapter gets peft's names
 * ({@code blocks.0.attn.qkv.lora_A.default.weight}). peft itself renames the base to
 * {@code qkv.base_layer.weight}; we do not.
 *
 * <ul>
 *   <li>{@link keyshield.lora.LoraConfig}: rank, alpha, dropout, targets, modules to save, presets.</li>
 *   <li>{@link keyshield.lora.LoraLinear}, {@link keyshield.lora.LoraConv}: the wrappers, with merge/unmerge.</li>
 *   <li>{@link keyshield.lora.Lora#apply}: freeze, wrap, unfreeze the kept modules; returns a {@link keyshield.lora.LoraModel}.</li>
 *   <li>{@link keyshield.lora.AdapterFiles}: adapters alone as safetensors with peft names plus adapter_config.json.</li>
 *   <li>{@link keyshield.lora.AdapterRegistry}: one base, N adapters, each tied to a key fingerprint.</li>
 *   <li>{@link keyshield.lora.ParameterCounts}: total/trainable counts from shapes (Table II of the paper).</li>
 * </ul>
 */
package keyshield.lora;
