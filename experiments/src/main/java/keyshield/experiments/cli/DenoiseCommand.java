package keyshield.experiments.cli;

import keyshield.defense.wavelet.BoundaryMode;
import keyshield.defense.wavelet.DenoiseOptions;
import keyshield.defense.wavelet.DenoiseTransform;
import keyshield.defense.wavelet.ImageMetrics;
import keyshield.defense.wavelet.ShrinkMethod;
import keyshield.defense.wavelet.Threshold;
import keyshield.defense.wavelet.Wavelet;
import keyshield.defense.wavelet.WaveletDenoise;
import keyshield.tensor.ShapeException;
import keyshield.tensor.io.Npz;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * {@code keyshield denoise}: scikit-image-style wavelet denoising of the images x (N, C, H, W) of an .npz
 * file, per image and channel, clipped to [0, 1] (the defense's preprocessing); prints PSNR and MSE
 * against the input so settings that keep images visually equal can be chosen.
 */
@Command(name = "denoise", mixinStandardHelpOptions = true,
        description = {"Wavelet denoising (scikit-image denoise_wavelet) of the images x (N, C, H, W) in [0, 1] of an .npz file.",
                "Writes x denoised and clipped to [0, 1]; other arrays of the input (e.g. labels y) are copied unchanged."})
public final class DenoiseCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--wavelet", defaultValue = "haar", converter = WaveletConverter.class, completionCandidates = WaveletNames.class,
            description = "wavelet: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Wavelet wavelet;

    @Option(names = "--method", defaultValue = "bayes", converter = MethodConverter.class, completionCandidates = MethodNames.class,
            description = "thresholds: ${COMPLETION-CANDIDATES} (BayesShrink per sub-band or VisuShrink universal; default ${DEFAULT-VALUE})")
    ShrinkMethod method;

    @Option(names = "--mode", defaultValue = "soft", converter = ThresholdConverter.class, completionCandidates = ThresholdNames.class,
            description = "thresholding: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Threshold threshold;

    @Option(names = "--sigma", description = "noise standard deviation on the [0, 1] scale (default: estimated per image and channel)")
    Double sigma;

    @Option(names = "--levels", description = "decomposition levels (default: max level − 3, at least 1, as scikit-image)")
    Integer levels;

    @Option(names = "--no-clip", description = "write scikit-image's unclipped output instead of clipping to [0, 1]")
    boolean noClip;

    @Option(names = "--input", required = true, description = ".npz with x (N, C, H, W) in [0, 1]")
    Path input;

    @Option(names = "--out", required = true, description = ".npz to write (atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        DenoiseOptions options = new DenoiseOptions(wavelet, method, threshold,
                sigma == null ? OptionalDouble.empty() : OptionalDouble.of(sigma),
                levels == null ? OptionalInt.empty() : OptionalInt.of(levels), true);
        Map<String, INDArray> in = Npz.read(input);
        INDArray x = Npz.require(in, "x", input);
        if (x.rank() != 4) throw new IllegalArgumentException(input + ": x must be (N, C, H, W) but has shape " + ShapeException.show(x.shape()));
        if (!x.dataType().isFPType()) throw new IllegalArgumentException(input + ": x must be float32 or float64 but is " + x.dataType());
        double min = x.minNumber().doubleValue(), max = x.maxNumber().doubleValue();
        if (!(min >= 0 && max <= 1)) throw new IllegalArgumentException(input + ": x must lie in [0, 1] but spans [" + min + ", " + max + "]");
        DenoiseTransform defense = new DenoiseTransform(options);
        INDArray denoised;
        try {
            denoised = noClip ? WaveletDenoise.denoise(x, options) : defense.apply(x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(input + ": " + e.getMessage(), e);
        }
        Map<String, INDArray> result = new LinkedHashMap<>(in);
        result.put("x", denoised);
        Npz.write(out, result);
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "denoised x %s with %s into %s%n", ShapeException.show(x.shape()), defense.describe(), out);
        o.printf(Locale.ROOT, "PSNR %.2f dB, MSE %.3g against the input%n", ImageMetrics.psnr(x, denoised, 1.0), ImageMetrics.mse(x, denoised));
        o.flush();
        return 0;
    }

    /** Parses an enum constant from its lowercase CLI name, listing the valid names on error. */
    abstract static class LowercaseEnum<E extends Enum<E>> implements CommandLine.ITypeConverter<E>, Iterable<String> {
        private final Class<E> type;

        LowercaseEnum(Class<E> type) { this.type = type; }

        @Override
        public E convert(String value) {
            for (E e : type.getEnumConstants()) if (cliName(e).equals(value.toLowerCase(Locale.ROOT))) return e;
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of " + String.join(", ", this));
        }

        @Override
        public Iterator<String> iterator() { return Arrays.stream(type.getEnumConstants()).map(LowercaseEnum::cliName).iterator(); }

        static String cliName(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }
    }

    static final class WaveletConverter extends LowercaseEnum<Wavelet> { WaveletConverter() { super(Wavelet.class); } }
    static final class WaveletNames extends LowercaseEnum<Wavelet> { WaveletNames() { super(Wavelet.class); } }
    static final class MethodConverter extends LowercaseEnum<ShrinkMethod> { MethodConverter() { super(ShrinkMethod.class); } }
    static final class MethodNames extends LowercaseEnum<ShrinkMethod> { MethodNames() { super(ShrinkMethod.class); } }
    static final class ThresholdConverter extends LowercaseEnum<Threshold> { ThresholdConverter() { super(Threshold.class); } }
    static final class ThresholdNames extends LowercaseEnum<Threshold> { ThresholdNames() { super(Threshold.class); } }
    static final class BoundaryConverter extends LowercaseEnum<BoundaryMode> { BoundaryConverter() { super(BoundaryMode.class); } }
    static final class BoundaryNames extends LowercaseEnum<BoundaryMode> { BoundaryNames() { super(BoundaryMode.class); } }
}
