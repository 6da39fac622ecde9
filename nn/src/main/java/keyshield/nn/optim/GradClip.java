package keyshield.nn.optim;

import keyshield.tensor.GradMode;
import keyshield.tensor.Parameter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** Gradient clipping by global norm, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {}

    /**
     * Rescales all gradients together so that their joint L2 norm is at most {@code maxNorm}, keeping
     * their direction. With total = √(Σ_p ‖∂L/∂p‖²) over the parameters that have a gradient,
     * coef = maxNorm / (total + 1e-6), and every gradient is multiplied by coef in place when coef &lt; 1
     * (the 1e-6 keeps coef finite at total = 0 and leaves the clipped norm just below maxNorm).
     *
     * @return the total norm before clipping (useful to log: it shows whether clipping is active)
     * @throws IllegalStateException when a gradient holds NaN or ±∞ (its norm is not finite), naming
     *         its position in {@code params}; clipping would spread the NaN to every gradient
     */
    public static double clipGlobalNorm(Collection<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm))
            throw new IllegalArgumentException("clipGlobalNorm: maxNorm must be finite and > 0 but is " + maxNorm);
        double sumSquares = 0;
        int index = 0;
        for (Parameter p : params) {
            INDArray g = p.grad();
            if (g != null) {
                double n = g.norm2Number().doubleValue();
                if (!Double.isFinite(n))
                    throw new IllegalStateException("clipGlobalNorm: the gradient of parameter #" + index + " "
                            + java.util.Arrays.toString(p.shape()) + " has norm " + n + " (it holds NaN or infinity)");
                sumSquares += n * n;
            }
            index++;
        }
        double total = Math.sqrt(sumSquares);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            try (var noGrad = GradMode.off()) {
                for (Parameter p : params) if (p.grad() != null) p.grad().muli(coef);
            }
        }
        return total;
    }
}
