/**
 * Neural-network building blocks on the autograd of {@code keyshield.tensor}: {@link keyshield.nn.Module}
 * (registered children, parameters and buffers with timm's dotted names), layers (Linear, Conv2d,
 * LayerNorm, GELU, Dropout, DropPath, Identity, Normalize), initialisers and losses.
 */
package keyshield.nn;
