package keyshield.experiments.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two stages side by side: the same table as one after the other, failures surface, BLAS threads come back. */
class SideBySideTest {
    @TempDir Path tmp;
    private volatile TableOneRun.Result oneJob;

    /**
     * Side by side, each stage computes exactly what it computes alone on one thread: the comparison run
     * takes one job with BLAS and OpenMP single-threaded too, because a different thread count may
     * round float32 reductions differently (measured: a LoRA fine-tune's final loss moved by 5e-9).
     */
    @Test
    void aTableRunWithTwoJobsGivesExactlyTheNumbersOfSingleThreadedStages() throws Exception {
        TinyWorld world = TinyWorld.create(tmp.resolve("world"), 96, 3);
        TableOne t = world.tableOne().scaledDown(96, 48, 16, 0.5);
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        TableOneRun.Result one;
        Thread single = new Thread(() -> {
            Nd4j.factory().blas().setMaxThreads(1);
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
            try {
                oneJob = (TableOneRun.Result) Runner.run(t, tmp.resolve("one"), false, tmp.resolve("one.json"), TinyWorld.sink(), 1).result();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                Nd4j.factory().blas().setMaxThreads(blasThreads);
            }
        });
        single.start();
        single.join();
        one = oneJob;
        assertThat(one).as("the single-threaded run finished").isNotNull();
        TableOneRun.Result two = (TableOneRun.Result) Runner.run(t, tmp.resolve("two"), false, tmp.resolve("two.json"), TinyWorld.sink(), 2).result();
        assertThat(Nd4j.factory().blas().getMaxThreads()).as("BLAS threads restored").isEqualTo(blasThreads);
        assertThat(two.rows()).isEqualTo(one.rows());
        assertThat(two.finetunes()).hasSameSizeAs(one.finetunes());
        for (int i = 0; i < one.finetunes().size(); i++) {
            Finetuned a = one.finetunes().get(i), b = two.finetunes().get(i);
            assertThat(b.stage()).isEqualTo(a.stage());
            assertThat(b.steps()).isEqualTo(a.steps());
            assertThat(b.finalLoss()).as(a.stage() + " final loss").isEqualTo(a.finalLoss());
        }
    }

    @Test
    void aFailingStageFailsTheRunWithItsOwnException() {
        AtomicReference<String> ranOnThread = new AtomicReference<>();
        assertThatThrownBy(() -> SideBySide.run(2, () -> {
            ranOnThread.set(Thread.currentThread().getName());
            return 1;
        }, () -> {
            throw new IOException("disk full while saving stage two");
        })).isInstanceOf(IOException.class).hasMessage("disk full while saving stage two");
        assertThat(ranOnThread.get()).isEqualTo("keyshield-side-by-side");
        assertThatThrownBy(() -> SideBySide.run(3, () -> 1, () -> 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 3");
    }

    @Test
    void oneJobRunsTheStagesInOrderOnTheCallingThread() throws IOException {
        StringBuilder order = new StringBuilder();
        Thread caller = Thread.currentThread();
        var both = SideBySide.run(1, () -> order.append(Thread.currentThread() == caller ? "a" : "?").toString(),
                () -> order.append(Thread.currentThread() == caller ? "b" : "?").toString());
        assertThat(both.first()).isEqualTo("a");
        assertThat(both.second()).isEqualTo("ab");
    }
}
