/**
 * The Vision Transformer (Dosovitskiy et al. 2021) with timm's parameter names and numerics, on the
 * autograd of {@code keyshield.tensor}.
 *
 * <pre>
 * x (B, C, H, W) ─ PatchEmbed (conv k = s = p) → (B, N, D) ─ [cls_token; ·] + pos_embed → (B, 1+N, D)
 *   ─ Block × depth:  x + Attention(LayerNorm(x)),  x + Mlp(LayerNorm(x))   (pre-norm, LayerNorm ε = 1e-6)
 *   ─ norm → class token → head → logits (B, classes)
 * </pre>
 * {@link keyshield.vit.ViTConfig} is the validated architecture record with timm's presets
 * (tiny16, small16, base16, base32, large16); {@link keyshield.vit.VisionTransformer} the model, whose
 * {@code namedParameters()} are exactly timm's state-dict keys ({@code blocks.0.attn.qkv.weight}); the
 * attention is one fused qkv projection and one batched matmul over all heads, scaled by headDim^−½, with
 * the exact (erf) GELU in the MLP. {@link keyshield.vit.Predict} evaluates logits, the mean cross-entropy
 * and its input gradient in float32 or float64; against timm in float64 the logits agree to ~1e-15.
 * Weight files live in {@link keyshield.vit.weights}.
 */
package keyshield.vit;
