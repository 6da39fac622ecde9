/**
 * Weight files in and out of timm-named state dicts: {@link keyshield.vit.weights.Safetensors} (read F32,
 * F16, BF16, F64; write F32/F64 atomically), ONNX initializers of both export styles, Google's ViT
 * {@code .npz} checkpoints, Hugging Face ViT names, and position-embedding resampling for other image
 * sizes. {@link keyshield.vit.weights.ViTWeights} chooses the format, infers the architecture from the
 * tensor shapes (patch size from {@code patch_embed.proj.weight}, width, depth by counting blocks, MLP
 * ratio, classes, image size from the length of {@code pos_embed}) and loads all-or-nothing.
 *
 * <p>A file that cannot become a model (truncated, corrupt header, unknown dtype, offsets outside the
 * data, byte span ≠ dtype × shape, NaN/Inf, missing or mis-shaped tensors, shapes implying more
 * parameters than the file holds values) raises a
 * {@link keyshield.vit.weights.WeightFileException} naming the file, the tensor, the expected and the
 * actual value.
 */
package keyshield.vit.weights;
