/**
 * Labelled image data for the experiments: readers, preprocessing, batching and augmentation.
 *
 * <p>Every reader produces a {@link keyshield.experiments.data.Dataset}: images as 8-bit or float
 * pixels handed out as float32 NCHW arrays in [0, 1] (normalization belongs to the model, so attacks
 * always work in pixel space), integer labels, and class names.
 * <ul>
 *   <li>{@link keyshield.experiments.data.ImageFolder}: the ImageNet layout {@code split/class/image}
 *       (JPEG, PNG, BMP, TIFF through ImageIO), class index = position of the class folder in sorted
 *       order, decoded lazily through {@link keyshield.experiments.data.Preprocess} (timm's eval
 *       transform: resize the shorter side with PIL's bicubic filter, then center-crop) into a
 *       bounded cache of decoded images.</li>
 *   <li>{@link keyshield.experiments.data.Cifar10Binary}: {@code data_batch_N.bin} / {@code test_batch.bin}.</li>
 *   <li>{@link keyshield.experiments.data.Idx}: MNIST's IDX files, gzipped or not;
 *       {@link keyshield.experiments.data.FashionMnist} reads Debian's {@code dataset-fashion-mnist}.</li>
 *   <li>{@link keyshield.experiments.data.Batches}: seeded shuffling, {@link keyshield.experiments.data.Augmentation}s
 *       on the raw image, and prefetch on one bounded background thread, deterministic whatever the
 *       thread timing.</li>
 * </ul>
 * Corrupt or forged files raise {@link keyshield.experiments.data.DataFileException} naming the file,
 * the expected and the actual value; no allocation is larger than the file can justify.
 */
package keyshield.experiments.data;
