package keyshield.vit;

import keyshield.nn.Losses;
import keyshield.nn.Module;
import keyshield.tensor.GradMode;
import keyshield.tensor.Scope;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One evaluation of a classifier on a batch: logits, and when labels are given, the mean cross-entropy
 * and its gradient with respect to the input (what an attack's first step needs). Parameters get no
 * gradients: they are frozen for the call and restored afterwards.
 */
public final class Predict {
    private Predict() {}

    /** logits (B, classes); loss and gradX are null without labels. */
    public record Output(INDArray logits, Double loss, INDArray gradX) {}

    /** Runs {@code model} in eval mode on x (B, C, H, W) cast to {@code dtype}. */
    public static Output run(Module model, INDArray x, int[] labels, DataType dtype) {
        if (x.rank() != 4) throw new ShapeException("predict: x must be (B, C, H, W) but has shape " + ShapeException.show(x.shape()));
        if (labels != null && labels.length != x.size(0))
            throw new ShapeException("predict: " + labels.length + " labels for a batch of " + x.size(0));
        model.eval();
        try (var step = Scope.open()) {
            if (labels == null) {
                try (var noGrad = GradMode.off()) {
                    return new Output(Scope.keep(model.forward(Tensor.constant(x.castTo(dtype))).value()), null, null);
                }
            }
            var trainable = model.namedParameters().values().stream().filter(p -> p.trainable()).toList();
            trainable.forEach(p -> p.setTrainable(false));
            try {
                Tensor input = Tensor.variable(x.castTo(dtype));
                Tensor logits = model.forward(input);
                Tensor loss = Losses.crossEntropy(logits, labels);
                loss.backward();
                return new Output(Scope.keep(logits.value()), loss.item(), Scope.keep(input.grad()));
            } finally {
                trainable.forEach(p -> p.setTrainable(true));
            }
        }
    }
}
