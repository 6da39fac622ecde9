package keyshield.attacks;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import keyshield.tensor.Rng;
import keyshield.tensor.Scope;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/** Small classifiers built directly from tensor ops, and synthetic separable data, for attack tests. */
final class TinyModels {
    private TinyModels() {}

    /** A 2-layer MLP on flattened images: relu(x·W1ᵀ + b1)·W2ᵀ + b2. */
    static final class Mlp implements Classifier {
        final Parameter w1, b1, w2, b2;

        Mlp(Rng rng, DataType dtype, int inputs, int hidden, int classes) {
            w1 = new Parameter(rng.normal(dtype, 0, Math.sqrt(2.0 / inputs), hidden, inputs));
            b1 = new Parameter(rng.normal(dtype, 0, 0.1, hidden));
            w2 = new Parameter(rng.normal(dtype, 0, Math.sqrt(1.0 / hidden), classes, hidden));
            b2 = new Parameter(rng.normal(dtype, 0, 0.1, classes));
        }

        @Override public Tensor logits(Tensor x) {
            Tensor flat = x.reshape(x.size(0), -1);                              // (B, C·H·W)
            return flat.linear(w1, b1).relu().linear(w2, b2);                    // (B, K)
        }

        @Override public List<Parameter> parameters() { return List.of(w1, b1, w2, b2); }
    }

    /** A tiny conv net: conv 3×3 (4 channels) → relu → avg-pool 2 → linear. */
    static final class ConvNet implements Classifier {
        final Parameter k, kb, w, b;

        ConvNet(Rng rng, int channels, int size, int classes) {
            k = new Parameter(rng.normal(DataType.FLOAT, 0, 0.5, 4, channels, 3, 3));
            kb = new Parameter(rng.normal(DataType.FLOAT, 0, 0.1, 4));
            int feats = 4 * (size / 2) * (size / 2);
            w = new Parameter(rng.normal(DataType.FLOAT, 0, Math.sqrt(1.0 / feats), classes, feats));
            b = new Parameter(rng.normal(DataType.FLOAT, 0, 0.1, classes));
        }

        @Override public Tensor logits(Tensor x) {
            Tensor h = x.conv2d(k, kb, 1, 1).relu().avgPool2d(2, 2, 0);          // (B, 4, H/2, W/2)
            return h.reshape(h.size(0), -1).linear(w, b);                         // (B, K)
        }

        @Override public List<Parameter> parameters() { return List.of(k, kb, w, b); }
    }

    /** Images (n, C, H, W) in [0,1] and labels. */
    record Data(INDArray x, int[] y) {}

    /**
     * Separable data: class k has a random mean image m_k ∈ [0.2, 0.8]; samples are m_k plus small
     * uniform noise, clipped to [0,1].
     */
    static Data separable(Rng rng, int n, int classes, int channels, int size, DataType dtype) {
        INDArray means = rng.split("means").uniform(dtype, 0.2, 0.8, classes, channels * size * size);
        int[] y = new int[n];
        Rng labels = rng.split("labels");
        for (int i = 0; i < n; i++) y[i] = labels.nextInt(classes);
        INDArray x = rng.split("noise").uniform(dtype, -0.1, 0.1, n, channels * size * size);
        for (int i = 0; i < n; i++) x.getRow(i).addi(means.getRow(y[i]));
        x = org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(x, 0.0), 1.0);
        return new Data(x.reshape('c', n, channels, size, size), y);
    }

    /** Fresh samples of the same task as {@code separable(meansFrom, ...)}: the same class means, new noise and labels. */
    static Data sameMeans(Rng meansFrom, Rng fresh, int n, int classes, int channels, int size, DataType dtype) {
        INDArray means = meansFrom.split("means").uniform(dtype, 0.2, 0.8, classes, channels * size * size);
        int[] y = new int[n];
        Rng labels = fresh.split("labels");
        for (int i = 0; i < n; i++) y[i] = labels.nextInt(classes);
        INDArray x = fresh.split("noise").uniform(dtype, -0.1, 0.1, n, channels * size * size);
        for (int i = 0; i < n; i++) x.getRow(i).addi(means.getRow(y[i]));
        x = org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(x, 0.0), 1.0);
        return new Data(x.reshape('c', n, channels, size, size), y);
    }

    /** A few epochs of full-batch SGD on the cross-entropy, one scope per step. */
    static void train(Classifier model, Data data, int steps, double lr) {
        for (int t = 0; t < steps; t++) {
            try (var s = Scope.open()) {
                Tensor loss = AttackLosses.crossEntropy(model.logits(Tensor.constant(data.x())), data.y()).mean();
                loss.backward();
                try (var off = GradMode.off()) {
                    for (Parameter q : model.parameters()) {
                        q.data().subi(q.grad().mul(lr));
                        q.zeroGrad();
                    }
                }
            }
        }
        for (Parameter q : model.parameters()) q.clearGrad();
    }

    static double accuracy(Classifier model, INDArray x, int[] y) {
        try (var s = Scope.open(); var off = GradMode.off()) {
            int[] pred = AttackLosses.predictions(model.logits(Tensor.constant(x)).value());
            int c = 0;
            for (int i = 0; i < y.length; i++) if (pred[i] == y[i]) c++;
            return (double) c / y.length;
        }
    }
}
