package keyshield.defense.wavelet;

import keyshield.nn.Module;
import keyshield.tensor.Function;
import keyshield.tensor.ShapeException;
import keyshield.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Wavelet denoising as a defense: a preprocessing step in front of a classifier, f(x) = g(clip(denoise(x))),
 * meant to remove small adversarial perturbations before classification. Images are (B, C, H, W) in
 * [0, 1]; each (image, channel) plane is denoised by {@link WaveletDenoise} and the result is clipped
 * back to [0, 1] (the classifier's input domain; scikit-image itself leaves float output unclipped).
 *
 * <p>Gradients. Thresholding is piecewise constant or piecewise linear in the coefficients, so the exact
 * gradient is either zero or misleading and an attack through it would "fail" for the wrong reason
 * (gradient masking). {@link #bpda} is the Backward Pass Differentiable Approximation of Athalye, Carlini
 * and Wagner (2018): the forward pass is the exact defense, the backward pass is the identity,
 * ∂ denoise(x)/∂x ≈ I, which is sound because denoise(x) ≈ x for natural images. Adaptive attacks use it;
 * training code that does not backpropagate into the input can use either form.
 *
 * <pre>{@code
 * DenoiseTransform t = new DenoiseTransform(DenoiseOptions.bayesSoft(Wavelet.HAAR));
 * Module defended = new Sequential(t.asModule(), resnet);    // forward exact, backward identity
 * }</pre>
 */
public final class DenoiseTransform implements UnaryOperator<INDArray> {
    private final DenoiseOptions options;

    public DenoiseTransform(DenoiseOptions options) { this.options = Objects.requireNonNull(options, "options"); }

    public DenoiseOptions options() { return options; }

    /** clip(denoise(x), 0, 1) of images x (B, C, H, W) in [0, 1]; same shape and dtype. */
    @Override
    public INDArray apply(INDArray x) {
        check(x);
        INDArray denoised = WaveletDenoise.denoise(x, options);              // (B, C, H, W)
        return Transforms.min(Transforms.max(denoised, 0.0, false), 1.0, false);
    }

    /** The defense on a tensor with the BPDA backward pass: value {@link #apply}(x), gradient the identity. */
    public Tensor bpda(Tensor x) { return Function.apply(new StraightThrough(this), x); }

    /** This transform (with its BPDA backward) as a parameter-free module, for {@code Sequential} pipelines. */
    public Module asModule() {
        DenoiseTransform t = this;
        return new Module() {
            @Override public Tensor forward(Tensor x) { return t.bpda(x); }
        };
    }

    /** A short description for logs and reports. */
    public String describe() {
        return "wavelet denoising (" + options.wavelet().pywtName() + ", " + options.method().name().toLowerCase() + " "
                + options.threshold().name().toLowerCase() + ", sigma "
                + (options.sigma().isPresent() ? String.valueOf(options.sigma().getAsDouble()) : "estimated")
                + ", levels " + (options.levels().isPresent() ? String.valueOf(options.levels().getAsInt()) : "default") + ")";
    }

    private static void check(INDArray x) {
        ShapeException.requireRank("denoise transform", "x (B, C, H, W)", 4, x.shape());
        if (!x.dataType().isFPType())
            throw new IllegalArgumentException("denoise transform: x must be float32 or float64 but is " + x.dataType());
        double min = x.minNumber().doubleValue(), max = x.maxNumber().doubleValue();
        if (!(min >= 0 && max <= 1))
            throw new IllegalArgumentException("denoise transform: x must lie in [0, 1] but spans [" + min + ", " + max + "]");
    }

    /** BPDA: forward = the exact (non-differentiable) defense, backward = identity (straight-through). */
    static final class StraightThrough extends Function {
        private final DenoiseTransform transform;

        StraightThrough(DenoiseTransform transform) { this.transform = transform; }

        @Override protected INDArray forward(INDArray... in) { return transform.apply(in[0]); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {needsInputGrad(0) ? g.dup() : null}; }

        @Override public String name() { return "denoiseBpda"; }
    }
}
