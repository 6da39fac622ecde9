package keyshield.experiments.data;

import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mini-batches of a {@link Dataset}, shuffled, augmented and decoded ahead of time on a bounded
 * background pool:
 * <pre>{@code
 * try (var batches = new Batches(train, Batches.Options.train(128, Augmentation.cifar()), root.split("data"));
 *      var epoch = batches.epoch(e)) {
 *     for (Batch b : epoch) try (b; var step = Scope.open()) { ... b.images() ... }
 * }
 * }</pre>
 *
 * <p><b>Determinism.</b> Everything random is a function of the seed, the epoch and the batch index,
 * never of thread timing: epoch e's order is {@code rng.split("order", e).permutation(n)}, and batch b's
 * augmentations draw from {@code rng.split("augment", e).split("batch", b)}, image after image and
 * augmentation after augmentation. So batch b of epoch e is the same whether it was built on the caller's
 * thread or a worker, and a resumed run ({@link #epoch(int, int)}) sees the batches an uninterrupted one
 * would have seen.
 *
 * <p><b>Bounds.</b> Each open {@link Epoch} keeps at most {@code prefetch} batches queued or in flight
 * on {@code workers} daemon threads; {@code prefetch = 0} builds batches on the caller's thread. After
 * {@link #close()}, every open epoch throws on {@code next()} instead of waiting for a batch that will never come.
 */
public final class Batches implements AutoCloseable {
    /**
     * @param batchSize     images per batch
     * @param shuffle       a fresh seeded permutation each epoch; otherwise dataset order
     * @param dropLast      drop a last, smaller batch
     * @param augmentations applied in order to each raw image
     * @param prefetch      batches built ahead of the consumer (0: none, on the caller's thread)
     * @param workers       background threads (used when prefetch &gt; 0)
     */
    public record Options(int batchSize, boolean shuffle, boolean dropLast, List<Augmentation> augmentations,
                          int prefetch, int workers) {
        public Options {
            if (batchSize <= 0) throw new IllegalArgumentException("Batches: batchSize must be positive, got " + batchSize);
            if (prefetch < 0) throw new IllegalArgumentException("Batches: prefetch must be ≥ 0, got " + prefetch);
            if (workers <= 0) throw new IllegalArgumentException("Batches: workers must be positive, got " + workers);
            augmentations = List.copyOf(augmentations);
        }

        /** Training: shuffled, augmented, the last partial batch kept, 2 batches prefetched on 1 thread. */
        public static Options train(int batchSize, List<Augmentation> augmentations) {
            return new Options(batchSize, true, false, augmentations, 2, 1);
        }

        /** Evaluation: dataset order, no augmentation, 2 batches prefetched on 1 thread. */
        public static Options eval(int batchSize) { return new Options(batchSize, false, false, List.of(), 2, 1); }

        public Options withPrefetch(int prefetch, int workers) {
            return new Options(batchSize, shuffle, dropLast, augmentations, prefetch, workers);
        }
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Dataset data;
    private final Options options;
    private final Rng rng;
    private ExecutorService pool;
    private volatile boolean closed;

    public Batches(Dataset data, Options options, Rng rng) {
        this.data = data;
        this.options = options;
        this.rng = rng;
    }

    public Options options() { return options; }

    /** Number of batches in every epoch. */
    public int batchesPerEpoch() {
        int n = data.size(), b = options.batchSize();
        return options.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** Dataset positions in the order epoch {@code epoch} visits them. */
    public int[] order(int epoch) {
        return options.shuffle() ? rng.split("order", epoch).permutation(data.size()) : Dataset.identity(data.size());
    }

    /** All batches of an epoch. */
    public Epoch epoch(int epoch) { return epoch(epoch, 0); }

    /** The batches of an epoch from {@code firstBatch} on (to resume a run mid-epoch). */
    public Epoch epoch(int epoch, int firstBatch) {
        if (closed) throw new IllegalStateException("Batches: closed");
        if (firstBatch < 0 || firstBatch > batchesPerEpoch())
            throw new IllegalArgumentException("Batches: first batch " + firstBatch + " outside [0, " + batchesPerEpoch() + "]");
        return new Epoch(epoch, firstBatch);
    }

    /** Batch {@code index} of epoch {@code epoch}, built on the calling thread. */
    public Batch batch(int epoch, int index) {
        if (index < 0 || index >= batchesPerEpoch())
            throw new IndexOutOfBoundsException("Batches: batch " + index + " outside [0, " + batchesPerEpoch() + ")");
        return build(epoch, index, order(epoch));
    }

    private Batch build(int epoch, int index, int[] order) {
        int from = index * options.batchSize(), n = Math.min(options.batchSize(), order.length - from);
        int c = data.channels(), h = data.height(), w = data.width(), item = c * h * w;
        int[] positions = Arrays.copyOfRange(order, from, from + n);
        float[] buf = new float[Math.multiplyExact(n, item)];
        Rng augmentRng = rng.split("augment", epoch).split("batch", index);
        for (int i = 0; i < n; i++) {
            data.readInto(positions[i], buf, i * item);
            for (Augmentation a : options.augmentations()) a.apply(buf, i * item, c, h, w, augmentRng);
        }
        long[] shape = {n, c, h, w};
        INDArray images = Scope.outside(() -> Nd4j.create(buf, shape, 'c'));   // (n, C, H, W)
        return new Batch(epoch, index, images, data.labels(positions), positions);
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            ThreadPoolExecutor p = new ThreadPoolExecutor(options.workers(), options.workers(), 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "keyshield-batches-" + THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            p.allowCoreThreadTimeOut(true);                   // idle threads go away even if close() is forgotten
            pool = p;
        }
        return pool;
    }

    /** Stops the background threads. */
    @Override
    public synchronized void close() {
        closed = true;
        if (pool == null) return;
        for (Runnable queued : pool.shutdownNow())                  // wake up anyone waiting for a queued batch
            if (queued instanceof Future<?> f) f.cancel(false);
    }

    /** One pass over the data: an iterator (usable once in a for-each loop) that must be closed. */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private final int epoch, end;
        private final int[] order;
        private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
        private int next, submitted;
        private boolean iterated;

        private Epoch(int epoch, int first) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.end = batchesPerEpoch();
            this.next = first;
            this.submitted = first;
            topUp();
        }

        private void topUp() {
            while (pending.size() < options.prefetch() && submitted < end) {
                int index = submitted++;
                pending.add(pool().submit(() -> build(epoch, index, order)));
            }
        }

        @Override public boolean hasNext() { return next < end; }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has " + end + " batches");
            int index = next++;
            if (closed) throw new IllegalStateException("batch " + index + " of epoch " + epoch + ": the Batches were closed");
            if (options.prefetch() == 0) return build(epoch, index, order);
            Future<Batch> f = pending.poll();
            topUp();
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + index + " of epoch " + epoch, e);
            } catch (CancellationException e) {
                throw new IllegalStateException("batch " + index + " of epoch " + epoch + " was cancelled: the Batches were closed", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof UncheckedIOException u) throw new UncheckedIOException(u.getMessage(), u.getCause());
                if (cause instanceof RuntimeException r) throw r;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException("batch " + index + " of epoch " + epoch + " failed", cause);
            }
        }

        @Override
        public Iterator<Batch> iterator() {
            if (iterated) throw new IllegalStateException("epoch " + epoch + " can be iterated only once");
            iterated = true;
            return this;
        }

        /** Cancels the batches built ahead and frees those already built. */
        @Override
        public void close() {
            for (Future<Batch> f : pending) {
                if (!f.cancel(false) && f.isDone()) {
                    try {
                        f.get().close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | CancellationException ignored) {
                        // a failed or cancelled batch holds no memory
                    }
                }
            }
            pending.clear();
            next = end;
        }
    }
}
