package keyshield.experiments.run;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two independent stages at once, one core each. On few cores one training step does not keep two
 * threads busy (its small ops — softmax over 65 tokens, LayerNorm rows, 384 tiny attention matmuls —
 * parallelize poorly: a 2-thread CIFAR ViT step uses about 1.5 cores), so two single-threaded stages
 * side by side finish sooner than one after the other: measured on 2 cores, 130–147 images/s of
 * training in all against 90–108 for one 2-thread stage ({@code docs/performance.md}).
 *
 * <p>For the duration, BLAS runs single-threaded and each of the two worker threads sets its own
 * OpenMP thread count to 1 (an OpenMP setting belongs to the thread that makes it); the previous BLAS
 * thread count is restored afterwards. The stages share nothing but the run directory (whose writes
 * are atomic and whose time booking is synchronized) and the dataset (whose decode cache is
 * thread-safe). Each stage's numbers do not depend on the other's, but single- and two-threaded BLAS
 * may round differently, so a run keeps one {@code jobs} setting across resumes.
 */
final class SideBySide {
    private SideBySide() {}

    /** The results of the two stages. */
    record Both<A, B>(A first, B second) {}

    /** A stage body that may fail with an IOException. */
    @FunctionalInterface
    interface Stage<T> {
        T run() throws IOException;
    }

    /** Runs {@code first} and {@code second} together when {@code jobs} is 2, one after the other when it is 1. */
    static <A, B> Both<A, B> run(int jobs, Stage<A> first, Stage<B> second) throws IOException {
        if (jobs == 1) return new Both<>(first.run(), second.run());
        if (jobs != 2) throw new IllegalArgumentException("jobs must be 1 or 2 but is " + jobs);
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        Nd4j.factory().blas().setMaxThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "keyshield-side-by-side");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<A> a = pool.submit(() -> singleThreaded(first));
            Future<B> b = pool.submit(() -> singleThreaded(second));
            return new Both<>(get(a, b), get(b, a));
        } finally {
            pool.shutdownNow();
            Nd4j.factory().blas().setMaxThreads(blasThreads);
        }
    }

    /** Runs {@code stage} with one OpenMP thread; the worker's workspaces are freed when it ends, as the thread's memory. */
    private static <T> T singleThreaded(Stage<T> stage) throws IOException {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        try {
            return stage.run();
        } finally {
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        }
    }

    /** The result of {@code f}; if it failed, the other stage is cancelled and the failure is rethrown as it was. */
    private static <T> T get(Future<T> f, Future<?> other) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            other.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while two stages ran side by side", e);
        } catch (ExecutionException e) {
            other.cancel(true);
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }
}
