package keyshield.experiments.data;

import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A labelled image set: {@code size()} images of {@code channels × height × width} pixels in [0, 1],
 * an integer label in [0, numClasses) per image, and the class names. Pixels stay where the reader put
 * them (8-bit arrays for CIFAR and IDX files, lazily decoded and cached files for an
 * {@link ImageFolder}); {@link #images(int[])} hands out float32 NCHW arrays.
 *
 * <p>A dataset is an immutable view: {@link #subset(int[])} and {@link #every(int)} share the pixels
 * (and the decode cache) of their parent. Arrays returned by {@link #images} are allocated outside every
 * {@link Scope}, so a caller may use them inside its step scopes and keep them across steps.
 */
public final class Dataset {
    private final String name;
    private final ImageStore store;
    private final int[] index;                 // position in this dataset → item of the store
    private final int[] labels;                // per position of this dataset
    private final List<String> classes;

    Dataset(String name, ImageStore store, int[] index, int[] labels, List<String> classes) {
        if (index.length != labels.length)
            throw new IllegalArgumentException("dataset " + name + ": " + index.length + " images but " + labels.length + " labels");
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes.size())
                throw new IllegalArgumentException("dataset " + name + ": label " + labels[i] + " at position " + i
                        + " is outside [0, " + classes.size() + ")");
            if (index[i] < 0 || index[i] >= store.size())
                throw new IllegalArgumentException("dataset " + name + ": item " + index[i] + " is outside [0, " + store.size() + ")");
        }
        this.name = name;
        this.store = store;
        this.index = index;
        this.labels = labels;
        this.classes = List.copyOf(classes);
    }

    /** A dataset over 8-bit images stored item after item, each CHW. */
    static Dataset ofBytes(String name, byte[] pixels, int c, int h, int w, int[] labels, List<String> classes) {
        ImageStore store = new ImageStore.Bytes(pixels, c, h, w);
        return new Dataset(name, store, identity(store.size()), labels.clone(), classes);
    }

    /** A dataset over float images {@code (N, C, H, W)} in [0, 1] (copied), e.g. generated examples. */
    public static Dataset of(String name, INDArray images, int[] labels, List<String> classes) {
        ShapeException.requireRank("Dataset.of", "images", 4, images.shape());
        long[] s = images.shape();
        if (s[0] != labels.length)
            throw new ShapeException("Dataset.of: images " + ShapeException.show(s) + " but " + labels.length + " labels");
        float[] pixels = images.dup('c').castTo(DataType.FLOAT).data().asFloat();
        for (int i = 0; i < pixels.length; i++)
            if (!(pixels[i] >= 0f && pixels[i] <= 1f))
                throw new IllegalArgumentException("Dataset.of: pixel values must be in [0, 1], got " + pixels[i] + " at flat index " + i);
        ImageStore store = new ImageStore.Floats(pixels, (int) s[1], (int) s[2], (int) s[3]);
        return new Dataset(name, store, identity(labels.length), labels.clone(), classes);
    }

    public String name() { return name; }

    public int size() { return index.length; }

    public int channels() { return store.channels(); }

    public int height() { return store.height(); }

    public int width() { return store.width(); }

    /** (C, H, W) of every image. */
    public long[] imageShape() { return new long[] {channels(), height(), width()}; }

    public List<String> classes() { return classes; }

    public int numClasses() { return classes.size(); }

    public int label(int position) { return labels[checked(position)]; }

    /** All labels in order (a copy). */
    public int[] labels() { return labels.clone(); }

    /** Labels at the given positions. */
    public int[] labels(int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < positions.length; i++) out[i] = labels[checked(positions[i])];
        return out;
    }

    /** Number of images per class. */
    public int[] labelHistogram() {
        int[] h = new int[classes.size()];
        for (int y : labels) h[y]++;
        return h;
    }

    /** The file the image at {@code position} is read from, for folder datasets. */
    public Optional<Path> path(int position) { return store.path(index[checked(position)]); }

    /** How many images the underlying store has decoded from files so far (shared with subsets). */
    public long decodes() { return store.decodes(); }

    /** The images at {@code positions}, in that order (repeats allowed); shares pixels with this dataset. */
    public Dataset subset(int[] positions) {
        int[] idx = new int[positions.length], lab = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            idx[i] = index[checked(positions[i])];
            lab[i] = labels[positions[i]];
        }
        return new Dataset(name, store, idx, lab, classes);
    }

    /** Positions 0, step, 2·step, …: e.g. {@code every(10)} of CIFAR's sorted test set is 100 images per class. */
    public Dataset every(int step) {
        if (step <= 0) throw new IllegalArgumentException("Dataset.every: step must be positive, got " + step);
        int[] p = new int[(size() + step - 1) / step];
        for (int i = 0; i < p.length; i++) p[i] = i * step;
        return subset(p);
    }

    /**
     * n images spread evenly over this dataset (positions ⌊i·size/n⌋, i = 0 … n−1), or all of it for
     * n = 0 or n ≥ size: folder datasets are sorted by class, so a prefix would hold one class only.
     */
    public Dataset spread(int n) {
        if (n < 0) throw new IllegalArgumentException("Dataset.spread: n must be >= 0 (0 = all) but is " + n);
        if (n == 0 || n >= size()) return this;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = (int) ((long) i * size() / n);
        return subset(p);
    }

    /** The images at {@code positions} as a float32 array (n, C, H, W) in [0, 1], allocated outside scopes. */
    public INDArray images(int[] positions) {
        int item = channels() * height() * width();
        float[] buf = new float[Math.multiplyExact(positions.length, item)];
        for (int i = 0; i < positions.length; i++) readInto(positions[i], buf, i * item);
        long[] shape = {positions.length, channels(), height(), width()};
        return Scope.outside(() -> org.nd4j.linalg.factory.Nd4j.create(buf, shape, 'c'));   // (n, C, H, W)
    }

    /** All images, (N, C, H, W); for small sets (the float array holds N·C·H·W values). */
    public INDArray images() { return images(identity(size())); }

    /** Writes the image at {@code position} as floats in [0, 1], CHW, into {@code dst[offset ..]}. */
    public void readInto(int position, float[] dst, int offset) {
        int item = index[checked(position)];
        try {
            store.read(item, dst, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int checked(int position) {
        if (position < 0 || position >= index.length)
            throw new IndexOutOfBoundsException("dataset " + name + ": position " + position + " is outside [0, " + index.length + ")");
        return position;
    }

    static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    @Override public String toString() {
        return "Dataset(" + name + ", " + size() + " images of " + ShapeException.show(imageShape()) + ", "
                + numClasses() + " classes)";
    }
}
