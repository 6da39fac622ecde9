/**
 * ResNet-18 (He et al. 2016) with BatchNorm and torchvision's state-dict names, in the ImageNet form
 * (7×7 stride-2 stem and max-pool) and the CIFAR form (3×3 stride-1 stem, no max-pool) used by the
 * wavelet-denoising defense experiments. {@link keyshield.nn.resnet.ResNetConfig} holds the presets.
 */
package keyshield.nn.resnet;
