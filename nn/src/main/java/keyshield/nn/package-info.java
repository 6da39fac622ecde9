/**
 * Neural-network building blocks on the autograd of {@code keyshield.tensor}: {@link keyshield.nn.Module}
 * (registered children, parameters and buffers with timm's and torchvision's dotted names), layers
 * (Linear, Conv2d, LayerNorm, GELU, Dropout, DropPath, Identity, Normalize, Sequential, BatchNorm2d),
 * initialisers, losses, and activation checkpointing ({@link keyshield.nn.Checkpoint}: recompute a block's
 * activations in backward instead of keeping them). Optimizers and learning-rate schedules are in {@code keyshield.nn.optim},
 * ResNet-18 in {@code keyshield.nn.resnet}.
 */
package keyshield.nn;
