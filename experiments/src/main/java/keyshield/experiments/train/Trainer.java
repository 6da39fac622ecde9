package keyshield.experiments.train;

import keyshield.experiments.data.Batch;
import keyshield.experiments.data.Batches;
import keyshield.experiments.data.Dataset;
import keyshield.nn.Losses;
import keyshield.nn.Module;
import keyshield.nn.optim.AdamW;
import keyshield.nn.optim.LrSchedule;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains the trainable parameters of a classifier pipeline (raw [0, 1] images → logits) on a dataset
 * with a {@link TrainRecipe}: one {@link Scope} per step, AdamW, one-cycle learning rate, smoothed
 * cross-entropy. A NaN or infinite loss stops training with the step number instead of corrupting the
 * weights.
 */
public final class Trainer {
    private Trainer() {}

    /** What a run did: steps, the last smoothed loss, and seconds. */
    public record Summary(long steps, double finalLoss, double seconds) {}

    /** Trains {@code pipeline} in place; {@code label} names the progress bar. */
    public static Summary train(Module pipeline, Dataset data, TrainRecipe r, Rng rng, String label) {
        LinkedHashMap<String, Parameter> trainable = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : pipeline.namedParameters().entrySet()) if (e.getValue().trainable()) trainable.put(e.getKey(), e.getValue());
        if (trainable.isEmpty()) throw new IllegalArgumentException(label + ": nothing to train (every parameter is frozen)");
        AdamW opt = new AdamW(trainable, AdamW.Options.of(r.lr(), r.weightDecay()));
        try (Batches batches = new Batches(data, Batches.Options.train(r.batchSize(), r.augmentations()), rng.split("batches"))) {
            long perEpoch = batches.batchesPerEpoch();
            long total = Math.max(4, Math.round(r.epochs() * perEpoch));
            double rise = Math.min(0.5, Math.max(r.warmupFraction(), 1.5 / total));       // at least one warm-up step on tiny runs
            LrSchedule schedule = new LrSchedule.OneCycle(r.lr(), total, rise, 25, 1e4);
            pipeline.train();
            long start = System.nanoTime(), step = 0;
            double smooth = Double.NaN;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" steps", 1).showSpeed().setUpdateIntervalMillis(500).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build()) {
                for (int epoch = 0; step < total; epoch++) {
                    try (Batches.Epoch it = batches.epoch(epoch)) {
                        while (it.hasNext() && step < total) {
                            try (Batch b = it.next(); var s = Scope.open()) {
                                opt.setLearningRate(schedule.lr(step));
                                Tensor logits = pipeline.forward(Tensor.constant(b.images()));
                                Tensor loss = Losses.crossEntropy(logits, b.labels(), Losses.Reduction.MEAN, r.labelSmoothing());
                                double l = loss.item();
                                if (!Double.isFinite(l))
                                    throw new IllegalStateException(label + ": loss became " + l + " at step " + step + " (epoch " + epoch
                                            + "); lower the learning rate " + r.lr());
                                loss.backward();
                                opt.step();
                                opt.zeroGrad();
                                smooth = Double.isNaN(smooth) ? l : 0.95 * smooth + 0.05 * l;
                            }
                            step++;
                            bar.step();
                            bar.setExtraMessage(String.format(" loss %.3f", smooth));
                        }
                    }
                }
            }
            pipeline.eval();
            return new Summary(step, smooth, (System.nanoTime() - start) / 1e9);
        }
    }
}
