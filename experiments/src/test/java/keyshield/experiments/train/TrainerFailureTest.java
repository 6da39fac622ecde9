package keyshield.experiments.train;

import keyshield.experiments.data.Dataset;
import keyshield.nn.Linear;
import keyshield.nn.Module;
import keyshield.tensor.Rng;
import keyshield.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How training fails: a non-finite loss stops the run with its step number before any update and
 * keeps the last good checkpoint; running out of memory (heap or ND4J's off-heap) says which batch
 * size to lower instead of ending in a stack trace.
 */
class TrainerFailureTest {
    @TempDir Path tmp;

    /**
     * A linear classifier of flattened 1×4×4 images; forward call k (from 0) throws {@code fault.apply(k)}
     * when that is non-null, and returns NaN logits from call {@code nanFrom} on.
     */
    static final class Faulty extends Module {
        final Linear fc;
        final IntFunction<Throwable> fault;
        final int nanFrom;
        int calls;

        Faulty(int nanFrom, IntFunction<Throwable> fault) {
            this.fc = child("fc", new Linear(16, 3, true, Rng.seeded(1), DataType.FLOAT));
            this.nanFrom = nanFrom;
            this.fault = fault;
        }

        @Override
        public Tensor forward(Tensor x) {
            int k = calls++;
            Throwable e = fault == null ? null : fault.apply(k);
            if (e instanceof Error err) throw err;
            if (e instanceof RuntimeException r) throw r;
            Tensor logits = fc.forward(x.reshape(x.size(0), 16));                       // (B, 16) → (B, 3)
            if (k < nanFrom) return logits;
            float[] nan = new float[(int) logits.length()];
            java.util.Arrays.fill(nan, Float.NaN);
            return logits.add(Tensor.constant(org.nd4j.linalg.factory.Nd4j.create(nan, logits.shape(), 'c')));
        }
    }

    private static Dataset data() {
        Rng rng = Rng.seeded(7);
        INDArray x = rng.uniform(DataType.FLOAT, 0, 1, 64, 1, 4, 4);
        int[] y = new int[64];
        for (int i = 0; i < y.length; i++) y[i] = i % 3;
        return Dataset.of("toy", x, y, List.of("a", "b", "c"));
    }

    private static final TrainRecipe RECIPE = new TrainRecipe(2, 16, 1e-2, 0.0, 0.0, 0.1, List.of());   // 4 batches per epoch, 8 steps

    @Test
    void nanLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Faulty model = new Faulty(4, null);
        Path ckpt = tmp.resolve("run.safetensors");
        assertThatThrownBy(() -> Trainer.train(model, data(), RECIPE, Rng.seeded(3), "nan-run", new Trainer.Checkpointing(ckpt, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loss became NaN at step 4")
                .hasMessageContaining("no update was applied")
                .hasMessageContaining(ckpt.toString());
        Checkpoint last = Checkpoint.read(ckpt);
        assertThat(last.step()).as("the checkpoint after 4 steps is kept, not overwritten").isEqualTo(4);
        assertThat(last.smoothLoss()).isFinite();
        INDArray saved = last.model().get("fc.weight");
        assertThat(model.fc.weight().data().equalsWithEps(saved, 0)).as("the NaN step applied no update to the checkpointed weights").isTrue();
    }

    @Test
    void resumingAfterTheNanRunStartsFromTheKeptCheckpoint() throws Exception {
        Path ckpt = tmp.resolve("run.safetensors");
        assertThatThrownBy(() -> Trainer.train(new Faulty(5, null), data(), RECIPE, Rng.seeded(3), "nan-run", new Trainer.Checkpointing(ckpt, 2)))
                .isInstanceOf(IllegalStateException.class);
        Trainer.Summary s = Trainer.train(new Faulty(Integer.MAX_VALUE, null), data(), RECIPE, Rng.seeded(3), "nan-run", new Trainer.Checkpointing(ckpt, 2));
        assertThat(s.resumedFrom()).isEqualTo(4);
        assertThat(s.steps()).isEqualTo(8);
        assertThat(Checkpoint.read(ckpt).step()).isEqualTo(8);
    }

    @Test
    void heapExhaustionNamesTheBatchSizeToLower() {
        Module oom = new Faulty(Integer.MAX_VALUE, k -> k == 2 ? new OutOfMemoryError("Java heap space") : null);
        assertThatThrownBy(() -> Trainer.train(oom, data(), RECIPE, Rng.seeded(3), "oom-run"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("out of memory at step 2 with batch size 16")
                .hasMessageContaining("lower the batch size (e.g. to 8)");
    }

    @Test
    void offHeapAllocationFailureNamesTheBatchSizeToLower() {
        Faulty model = new Faulty(Integer.MAX_VALUE,
                k -> k == 1 ? new RuntimeException("Failed to allocate 4294967296 bytes", new OutOfMemoryError("Cannot allocate 4294967296 bytes")) : null);
        assertThatThrownBy(() -> Trainer.train(model, data(), RECIPE, Rng.seeded(3), "offheap-run"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("could not allocate off-heap memory at step 1 with batch size 16")
                .hasMessageContaining("e.g. to 8");
    }

    @Test
    void otherFailuresPassThroughUnchanged() {
        IllegalArgumentException bug = new IllegalArgumentException("shape mismatch");
        Faulty model = new Faulty(Integer.MAX_VALUE, k -> k == 0 ? bug : null);
        assertThatThrownBy(() -> Trainer.train(model, data(), RECIPE, Rng.seeded(3), "bug-run")).isSameAs(bug);
    }
}
