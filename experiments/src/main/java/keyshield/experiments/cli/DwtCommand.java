package keyshield.experiments.cli;

import keyshield.defense.wavelet.BoundaryMode;
import keyshield.defense.wavelet.Dwt2;
import keyshield.defense.wavelet.Planes;
import keyshield.defense.wavelet.Wavelet;
import keyshield.tensor.ShapeException;
import keyshield.tensor.io.Npz;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code keyshield dwt}: the multi-level 2-D wavelet decomposition (PyWavelets' {@code wavedec2} over the last
 * two axes) of the array x of an .npz file. x may be (H, W), (C, H, W) or (N, C, H, W); every leading axis
 * is kept, so for (N, C, H, W) each coefficient array is (N, C, h_l, w_l) with plane [n, c] the
 * decomposition of image n, channel c. Arrays are float64 and named as PyWavelets' list
 * [cA_L, (cH_L, cV_L, cD_L), …, (cH_1, cV_1, cD_1)]: {@code cA2, cH2, cV2, cD2, cH1, cV1, cD1} for L = 2.
 */
@Command(name = "dwt", mixinStandardHelpOptions = true,
        description = {"Multi-level 2-D DWT (PyWavelets wavedec2 over the last two axes) of the array x of an .npz file.",
                "x is (H, W), (C, H, W) or (N, C, H, W); leading axes are kept. Writes float64 arrays cA<L>, cH<L>, cV<L>, cD<L>, ..., cH1, cV1, cD1."})
public final class DwtCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--wavelet", defaultValue = "haar", converter = DenoiseCommand.WaveletConverter.class,
            completionCandidates = DenoiseCommand.WaveletNames.class, description = "wavelet: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    Wavelet wavelet;

    @Option(names = "--level", required = true, description = "decomposition levels L >= 1")
    int level;

    @Option(names = "--mode", defaultValue = "symmetric", converter = DenoiseCommand.BoundaryConverter.class,
            completionCandidates = DenoiseCommand.BoundaryNames.class, description = "boundary mode: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    BoundaryMode mode;

    @Option(names = "--input", required = true, description = ".npz with x (H, W), (C, H, W) or (N, C, H, W)")
    Path input;

    @Option(names = "--out", required = true, description = ".npz to write (atomically)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (level < 1) throw new IllegalArgumentException("--level must be >= 1 but is " + level);
        Map<String, INDArray> in = Npz.read(input);
        INDArray x = Npz.require(in, "x", input);
        if (x.rank() < 2 || x.rank() > 4 || !x.dataType().isFPType())
            throw new IllegalArgumentException(input + ": x must be a float array (H, W), (C, H, W) or (N, C, H, W) but is "
                    + x.dataType() + " " + ShapeException.show(x.shape()));
        long[] lead = Arrays.copyOf(x.shape(), x.rank() - 2);
        int h = (int) x.size(-2), w = (int) x.size(-1);
        int max = Math.min(Dwt2.dwtMaxLevel(h, wavelet.filterLength()), Dwt2.dwtMaxLevel(w, wavelet.filterLength()));
        if (level > max)
            spec.commandLine().getErr().printf(Locale.ROOT, "warning: level %d is above the maximum useful level %d for %d×%d with %s:"
                    + " all coefficients feel the boundary (PyWavelets warns likewise)%n", level, max, h, w, wavelet.pywtName());
        INDArray planes = x.castTo(DataType.DOUBLE).dup('c').reshape('c', -1, h, w);    // (P, H, W), P = product of leading axes
        List<Dwt2.Decomposition> decs = new ArrayList<>();
        for (long p = 0; p < planes.size(0); p++) decs.add(Dwt2.wavedec2(Planes.of(planes.slice(p)), wavelet, mode, level));

        Map<String, INDArray> result = new LinkedHashMap<>();
        result.put("cA" + level, stack(decs, Dwt2.Decomposition::approx, lead));
        for (int l = level; l >= 1; l--) {
            int lv = l;
            result.put("cH" + l, stack(decs, d -> d.level(lv).horizontal(), lead));
            result.put("cV" + l, stack(decs, d -> d.level(lv).vertical(), lead));
            result.put("cD" + l, stack(decs, d -> d.level(lv).diagonal(), lead));
        }
        Npz.write(out, result);
        spec.commandLine().getOut().printf(Locale.ROOT, "wavedec2 of x %s with %s, %s, level %d into %s: %s%n",
                ShapeException.show(x.shape()), wavelet.pywtName(), mode.pywtName(), level, out, describe(result));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** One coefficient array per plane, stacked back under the leading axes: (..., h_l, w_l). */
    private static INDArray stack(List<Dwt2.Decomposition> decs, Function<Dwt2.Decomposition, double[][]> band, long[] lead) {
        double[][] first = band.apply(decs.get(0));
        long[] shape = Arrays.copyOf(lead, lead.length + 2);
        shape[lead.length] = first.length;
        shape[lead.length + 1] = first[0].length;
        INDArray out = Nd4j.create(DataType.DOUBLE, decs.size(), first.length, first[0].length);   // (P, h_l, w_l)
        for (int p = 0; p < decs.size(); p++) out.slice(p).assign(Planes.toArray(band.apply(decs.get(p))));
        return out.reshape('c', shape);                                      // (..., h_l, w_l)
    }

    private static String describe(Map<String, INDArray> arrays) {
        List<String> parts = new ArrayList<>();
        arrays.forEach((k, v) -> parts.add(k + " " + ShapeException.show(v.shape())));
        return String.join(", ", parts);
    }
}
