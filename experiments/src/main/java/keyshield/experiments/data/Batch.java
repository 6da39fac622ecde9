package keyshield.experiments.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch: {@code images} (n, C, H, W) float32 in [0, 1] (augmented for training), their labels,
 * and their positions in the dataset (to trace an example back to its file).
 *
 * <p>The image array is allocated outside every {@link keyshield.tensor.Scope} and belongs to the
 * receiver: it may be used inside step scopes and kept across steps. {@link #close()} frees its
 * off-heap memory at once instead of waiting for the garbage collector; do not use it afterwards.
 *
 * @param epoch     the epoch it belongs to
 * @param index     its index within the epoch
 * @param images    (n, C, H, W)
 * @param labels    n labels
 * @param positions n dataset positions
 */
public record Batch(int epoch, int index, INDArray images, int[] labels, int[] positions) implements AutoCloseable {
    /** Number of images. */
    public int size() { return labels.length; }

    @Override
    public void close() {
        if (!images.wasClosed()) images.close();
    }
}
