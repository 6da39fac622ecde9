package keyshield.nn;

import keyshield.tensor.Function;
import keyshield.tensor.Parameter;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation over the channels of images (Ioffe &amp; Szegedy 2015), as PyTorch's
 * {@code nn.BatchNorm2d}: per channel c of x (N, C, H, W),
 * <pre>
 *   y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c
 * </pre>
 * In training mode μ_c and the biased σ²_c are the statistics of the batch over (N, H, W), and each
 * forward updates the running statistics with momentum m (n = N·H·W values per channel):
 * running_mean ← (1 − m)·running_mean + m·μ, running_var ← (1 − m)·running_var + m·σ²·n/(n − 1)
 * (unbiased), and counts {@code num_batches_tracked}. This happens whether or not gradients are recorded,
 * as in PyTorch. In evaluation mode the running statistics are used instead, so the layer is a fixed
 * per-channel affine map. Defaults ε = 1e-5, m = 0.1; γ = 1, β = 0, running mean 0, running variance 1.
 * State-dict names: {@code weight}, {@code bias}, {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked} (int64, rank 0).
 */
public class BatchNorm2d extends Module {
    public final int numFeatures;
    public final double eps, momentum;
    private final Parameter weight, bias;
    private final INDArray runningMean, runningVar, numBatchesTracked;

    public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, DataType.FLOAT); }

    public BatchNorm2d(int numFeatures, double eps, double momentum, DataType dtype) {
        if (numFeatures < 1) throw new IllegalArgumentException("BatchNorm2d: numFeatures must be positive but is " + numFeatures);
        if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm2d: eps must be > 0 but is " + eps);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm2d: momentum must be in [0, 1] but is " + momentum);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = param("weight", Init.ones(dtype, numFeatures));
        this.bias = param("bias", Init.zeros(dtype, numFeatures));
        this.runningMean = buffer("running_mean", Init.zeros(dtype, numFeatures));
        this.runningVar = buffer("running_var", Init.ones(dtype, numFeatures));
        this.numBatchesTracked = buffer("num_batches_tracked", Nd4j.scalar(DataType.LONG, 0L));
    }

    @Override
    public Tensor forward(Tensor x) {
        ShapeException.requireRank("BatchNorm2d", "input (N, C, H, W)", 4, x.shape());
        if (x.size(1) != numFeatures)
            throw new ShapeException("BatchNorm2d: expected " + numFeatures + " channels but input has shape " + ShapeException.show(x.shape()));
        if (!training()) return Function.apply(Fn.withStatistics(runningMean, runningVar, eps), x, weight, bias);
        long n = x.length() / numFeatures;
        if (n < 2)
            throw new ShapeException("BatchNorm2d: training needs more than one value per channel, but input has shape "
                    + ShapeException.show(x.shape()));
        Fn fn = Fn.batchStatistics(eps);
        Tensor y = Function.apply(fn, x, weight, bias);
        runningMean.muli(1 - momentum).addi(fn.mean.mul(momentum));
        runningVar.muli(1 - momentum).addi(fn.var.mul(momentum * n / (n - 1)));
        numBatchesTracked.assign(numBatchesTracked.getLong(0) + 1);
        return y;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    /** The running mean (C), a live view of the buffer. */
    public INDArray runningMean() { return runningMean; }

    /** The running (unbiased) variance (C), a live view of the buffer. */
    public INDArray runningVar() { return runningVar; }

    public long numBatchesTracked() { return numBatchesTracked.getLong(0); }

    /**
     * The fused normalisation y = γ ⊙ x̂ + β with x̂ = (x − μ)·r, r = 1/√(σ² + ε), per channel of x (N, C, H, W);
     * inputs x, γ (C), β (C). Sums Σ and means ⟨·⟩ below run over (N, H, W), with n = N·H·W:
     * <pre>
     *   ∂L/∂β = Σ g,     ∂L/∂γ = Σ g ⊙ x̂
     *   batch statistics (μ, σ² depend on x):  ∂L/∂x = γ·r·(g − ⟨g⟩ − x̂·⟨g ⊙ x̂⟩)
     *   given statistics (constants):          ∂L/∂x = γ·r·g
     * </pre>
     */
    public static final class Fn extends Function {
        private final double eps;
        private final INDArray givenMean, givenVar;
        private INDArray mean, var, xhat, scale;                      // scale = γ·r, (1, C, 1, 1)

        private Fn(double eps, INDArray givenMean, INDArray givenVar) {
            this.eps = eps;
            this.givenMean = givenMean;
            this.givenVar = givenVar;
        }

        /** Normalises with the batch's mean and biased variance (training mode). */
        public static Fn batchStatistics(double eps) { return new Fn(eps, null, null); }

        /** Normalises with fixed statistics, e.g. the running ones (evaluation mode). */
        public static Fn withStatistics(INDArray mean, INDArray var, double eps) { return new Fn(eps, mean, var); }

        @Override public String name() { return "batchNorm2d"; }

        @Override protected INDArray forward(INDArray... in) {
            INDArray x = in[0];
            long c = x.size(1);
            ShapeException.requireShape(name(), "weight", new long[] {c}, in[1].shape());
            ShapeException.requireShape(name(), "bias", new long[] {c}, in[2].shape());
            INDArray centered;
            if (givenMean == null) {
                mean = x.mean(0, 2, 3);                                                     // (C)
                centered = x.sub(mean.reshape(1, c, 1, 1));                                 // (N, C, H, W)
                var = centered.mul(centered).mean(0, 2, 3);                                 // biased σ², (C)
            } else {
                ShapeException.requireShape(name(), "running mean", new long[] {c}, givenMean.shape());
                ShapeException.requireShape(name(), "running var", new long[] {c}, givenVar.shape());
                mean = givenMean.dup();
                var = givenVar.dup();
                centered = x.sub(mean.reshape(1, c, 1, 1));                                 // (N, C, H, W)
            }
            INDArray rstd = Transforms.pow(var.add(eps), -0.5, false).reshape(1, c, 1, 1);  // 1/√(σ² + ε), (1, C, 1, 1)
            xhat = centered.muli(rstd);                                                     // (N, C, H, W)
            scale = rstd.mul(in[1].reshape(1, c, 1, 1));                                    // γ·r, (1, C, 1, 1)
            return xhat.mul(in[1].reshape(1, c, 1, 1)).addi(in[2].reshape(1, c, 1, 1));     // (N, C, H, W)
        }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray[] grads = new INDArray[3];
            long c = g.size(1);
            if (needsInputGrad(0)) {
                if (givenMean == null) {
                    INDArray meanG = g.mean(0, 2, 3).reshape(1, c, 1, 1);                   // ⟨g⟩, (1, C, 1, 1)
                    INDArray meanGX = g.mul(xhat).mean(0, 2, 3).reshape(1, c, 1, 1);        // ⟨g ⊙ x̂⟩, (1, C, 1, 1)
                    grads[0] = g.sub(meanG).subi(xhat.mul(meanGX)).muli(scale);             // (N, C, H, W)
                } else {
                    grads[0] = g.mul(scale);                                                // (N, C, H, W)
                }
            }
            if (needsInputGrad(1)) grads[1] = g.mul(xhat).sum(0, 2, 3);                     // (C)
            if (needsInputGrad(2)) grads[2] = g.sum(0, 2, 3);                               // (C)
            return grads;
        }
    }
}
