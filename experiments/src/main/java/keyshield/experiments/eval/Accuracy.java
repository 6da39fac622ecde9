package keyshield.experiments.eval;

import keyshield.experiments.data.Dataset;
import keyshield.nn.Losses;
import keyshield.nn.Module;
import keyshield.tensor.GradMode;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.IntConsumer;

/**
 * Clean accuracy: the percentage of a dataset a classifier of raw [0, 1] images labels correctly, and,
 * from the same logits, the mean cross-entropy −(1/N)·Σ log p(y_i | x_i) (no label smoothing), the number
 * that shows whether training lowered the loss on held-out images.
 */
public final class Accuracy {
    private Accuracy() {}

    /** Predicted classes, the accuracy in percent, and the summed cross-entropy over the {@code total} images. */
    public record Result(int[] predictions, int correct, int total, double crossEntropySum) {
        public double percent() { return total == 0 ? Double.NaN : 100.0 * correct / total; }

        /** Mean cross-entropy per image (NaN for an empty dataset). */
        public double meanCrossEntropy() { return total == 0 ? Double.NaN : crossEntropySum / total; }
    }

    /** Runs {@code classifier} in eval mode over {@code data} in batches; {@code progress} receives the images done so far. */
    public static Result of(Module classifier, Dataset data, int batchSize, IntConsumer progress) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive but is " + batchSize);
        classifier.eval();
        int n = data.size(), correct = 0;
        double lossSum = 0;
        int[] predictions = new int[n];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            int[] idx = new int[end - start];
            for (int i = 0; i < idx.length; i++) idx[i] = start + i;
            INDArray x = data.images(idx);
            try (var step = Scope.open(); var noGrad = GradMode.off()) {
                Tensor logits = classifier.forward(Tensor.constant(x));                     // (B, K)
                lossSum += Losses.crossEntropy(logits, data.labels(idx), Losses.Reduction.SUM, 0).item();
                INDArray argmax = logits.value().argMax(1);
                for (int i = 0; i < idx.length; i++) {
                    predictions[start + i] = argmax.getInt(i);
                    if (predictions[start + i] == data.label(start + i)) correct++;
                }
            } finally {
                x.close();
            }
            progress.accept(end);
        }
        return new Result(predictions, correct, n, lossSum);
    }
}
