package keyshield.experiments.train;

import keyshield.experiments.data.Batch;
import keyshield.experiments.data.Batches;
import keyshield.experiments.data.Dataset;
import keyshield.experiments.report.ProgressBars;
import keyshield.nn.Losses;
import keyshield.nn.Module;
import keyshield.nn.optim.AdamW;
import keyshield.nn.optim.LrSchedule;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import me.tongfei.progressbar.ProgressBar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains the trainable parameters of a classifier pipeline (raw [0, 1] images → logits) on a dataset
 * with a {@link TrainRecipe}: one {@link Scope} per step, AdamW, one-cycle learning rate, smoothed
 * cross-entropy.
 *
 * <p><b>Resuming.</b> With {@link Checkpointing}, a {@link Checkpoint} is written atomically every
 * {@code everySteps} steps and after the last one. A run started while its checkpoint file exists
 * continues from it: model and AdamW state are restored, and since the learning rate and the batches
 * are functions of the step number and the seeds alone, the resumed run takes exactly the steps the
 * uninterrupted one would have taken.
 *
 * <p><b>Failures.</b> A NaN or infinite loss stops training with the step number before any update
 * is applied or any checkpoint written, so the last good checkpoint stays on disk. Running out of
 * memory (heap or ND4J's off-heap) is reported with the batch size to lower.
 */
public final class Trainer {
    private Trainer() {}

    /** What a run did: steps in total, the steps this call resumed from, the last smoothed loss, and training seconds over all invocations. */
    public record Summary(long steps, long resumedFrom, double finalLoss, double seconds) {}

    /** Where and how often a run saves its state ({@code everySteps} ≥ 1); {@code afterSave} runs after each save (e.g. to book the time spent). */
    public record Checkpointing(Path file, int everySteps, Runnable afterSave) {
        public Checkpointing {
            java.util.Objects.requireNonNull(file, "checkpoint file");
            java.util.Objects.requireNonNull(afterSave, "afterSave");
            if (everySteps < 1) throw new IllegalArgumentException("checkpoint interval must be at least 1 step but is " + everySteps);
        }

        public Checkpointing(Path file, int everySteps) { this(file, everySteps, () -> { }); }
    }

    /** Trains {@code pipeline} in place without checkpoints; {@code label} names the progress bar. */
    public static Summary train(Module pipeline, Dataset data, TrainRecipe r, Rng rng, String label) {
        return train(pipeline, data, r, rng, label, null);
    }

    /** Trains {@code pipeline} in place, resuming from and saving to {@code checkpointing} when it is given. */
    public static Summary train(Module pipeline, Dataset data, TrainRecipe r, Rng rng, String label, Checkpointing checkpointing) {
        LinkedHashMap<String, Parameter> trainable = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : pipeline.namedParameters().entrySet()) if (e.getValue().trainable()) trainable.put(e.getKey(), e.getValue());
        if (trainable.isEmpty()) throw new IllegalArgumentException(label + ": nothing to train (every parameter is frozen)");
        AdamW opt = new AdamW(trainable, AdamW.Options.of(r.lr(), r.weightDecay()));
        try (Batches batches = new Batches(data, Batches.Options.train(r.batchSize(), r.augmentations()), rng.split("batches"))) {
            long perEpoch = batches.batchesPerEpoch();
            long total = Math.max(4, Math.round(r.epochs() * perEpoch));
            double rise = Math.min(0.5, Math.max(r.warmupFraction(), 1.5 / total));       // at least one warm-up step on tiny runs
            LrSchedule schedule = new LrSchedule.OneCycle(r.lr(), total, rise, 25, 1e4);
            long step = 0;
            double smooth = Double.NaN, secondsBefore = 0;
            if (checkpointing != null && Files.exists(checkpointing.file())) {
                Checkpoint c = readCheckpoint(checkpointing.file(), label);
                if (c.step() > total)
                    throw new IllegalStateException(label + ": checkpoint " + checkpointing.file() + " is at step " + c.step() + " but this run has only " + total + " steps");
                pipeline.loadStateDict(c.model(), true);
                opt.loadState(c.optimizer());
                step = c.step();
                smooth = c.smoothLoss();
                secondsBefore = c.seconds();
            }
            long resumedFrom = step, start = System.nanoTime();
            pipeline.train();
            try (ProgressBar bar = ProgressBars.of(label, total, step, " steps")) {
                for (int epoch = (int) (step / perEpoch); step < total; epoch++) {
                    try (Batches.Epoch it = batches.epoch(epoch, (int) (step - epoch * perEpoch))) {
                        while (it.hasNext() && step < total) {
                            try (Batch b = it.next(); var s = Scope.open()) {
                                double l = trainStep(pipeline, opt, b, schedule.lr(step), r, label, step, checkpointing);
                                smooth = Double.isNaN(smooth) ? l : 0.95 * smooth + 0.05 * l;
                            }
                            step++;
                            bar.stepTo(step);
                            bar.setExtraMessage(String.format(" loss %.3f", smooth));
                            if (checkpointing != null && (step % checkpointing.everySteps() == 0 || step == total)) {
                                double seconds = secondsBefore + (System.nanoTime() - start) / 1e9;
                                AdamW.State state = opt.state();
                                save(checkpointing.file(), new Checkpoint(label, step, smooth, seconds, pipeline.stateDict(), state));
                                state.expAvg().values().forEach(INDArray::close);                      // copies: free them now, not at the next GC
                                state.expAvgSq().values().forEach(INDArray::close);
                                checkpointing.afterSave().run();
                            }
                        }
                    }
                }
            }
            pipeline.eval();
            return new Summary(step, resumedFrom, smooth, secondsBefore + (System.nanoTime() - start) / 1e9);
        }
    }

    /** One forward, backward and AdamW update; returns the loss. Out-of-memory and non-finite losses become clear errors. */
    private static double trainStep(Module pipeline, AdamW opt, Batch b, double lr, TrainRecipe r, String label, long step, Checkpointing ckpt) {
        try {
            opt.setLearningRate(lr);
            Tensor logits = pipeline.forward(Tensor.constant(b.images()));
            Tensor loss = Losses.crossEntropy(logits, b.labels(), Losses.Reduction.MEAN, r.labelSmoothing());
            double l = loss.item();
            if (!Double.isFinite(l))
                throw new IllegalStateException(label + ": loss became " + l + " at step " + step + " (epoch " + b.epoch() + ", batch " + b.index()
                        + "); no update was applied" + (ckpt == null ? "" : " and the last good checkpoint " + ckpt.file() + " was kept")
                        + "; lower the learning rate " + r.lr());
            loss.backward();
            opt.step();
            opt.zeroGrad();
            return l;
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException(label + ": out of memory at step " + step + " with batch size " + r.batchSize()
                    + "; lower the batch size (e.g. to " + Math.max(1, r.batchSize() / 2) + ") or give the JVM more memory (KEYSHIELD_HEAP, "
                    + "-Dorg.bytedeco.javacpp.maxbytes): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (isAllocationFailure(e))
                throw new IllegalStateException(label + ": ND4J could not allocate off-heap memory at step " + step + " with batch size " + r.batchSize()
                        + "; lower the batch size (e.g. to " + Math.max(1, r.batchSize() / 2) + "): " + e.getMessage(), e);
            throw e;
        }
    }

    /** ND4J reports a failed off-heap allocation as a RuntimeException wrapping JavaCPP's OutOfMemoryError, or with such a message. */
    static boolean isAllocationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) return true;
            String m = t.getMessage();
            if (m != null && (m.contains("Cannot allocate") || m.contains("Failed to allocate") || m.contains("out of memory"))) return true;
        }
        return false;
    }

    private static Checkpoint readCheckpoint(Path file, String label) {
        try {
            Checkpoint c = Checkpoint.read(file);
            if (!c.label().equals(label))
                throw new IllegalStateException(label + ": checkpoint " + file + " belongs to the run '" + c.label() + "'");
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot resume from " + file + ": " + e.getMessage(), e);
        }
    }

    private static void save(Path file, Checkpoint c) {
        try {
            c.write(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
