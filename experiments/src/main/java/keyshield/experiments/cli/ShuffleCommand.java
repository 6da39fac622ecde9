package keyshield.experiments.cli;

import keyshield.defense.BlockShuffle;
import keyshield.defense.KeyFile;
import keyshield.defense.PixelOrder;
import keyshield.defense.SecretKey;
import keyshield.tensor.ShapeException;
import keyshield.tensor.io.Npz;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code keyshield shuffle}: applies (or undoes) a key's block-wise pixel shuffle to the images x of an .npz file. */
@Command(name = "shuffle", mixinStandardHelpOptions = true,
        description = {"Block-wise pixel shuffle of the images x (N, C, H, W) of an .npz file with a secret key.",
                "Writes x shuffled (or, with --inverse, un-shuffled); other arrays of the input (e.g. labels y) are copied unchanged."})
public final class ShuffleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--key", required = true, description = "key file (from `keyshield key new`)")
    Path keyFile;

    @Option(names = "--input", required = true, description = ".npz with x (N, C, H, W)")
    Path input;

    @Option(names = "--out", required = true, description = ".npz to write (atomically)")
    Path out;

    @Option(names = "--inverse", description = "undo the shuffle instead of applying it")
    boolean inverse;

    @Option(names = "--order", defaultValue = "HWC", description = "block flatten order: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}, the original defense's)")
    PixelOrder order;

    @Override
    public Integer call() throws Exception {
        SecretKey key = KeyFile.read(keyFile);
        Map<String, INDArray> in = Npz.read(input);
        INDArray x = Npz.require(in, "x", input);
        if (!x.dataType().isFPType()) throw new IllegalArgumentException(input + ": x must be float32 or float64 but is " + x.dataType());
        try {
            key.checkImage("shuffle", x.shape());
        } catch (ShapeException e) {
            throw new IllegalArgumentException("key file " + keyFile + " does not fit x of " + input + ": " + e.getMessage(), e);
        }
        BlockShuffle t = new BlockShuffle(key, order);
        Map<String, INDArray> result = new LinkedHashMap<>(in);
        result.put("x", inverse ? t.inverse(x) : t.apply(x));
        Npz.write(out, result);
        spec.commandLine().getOut().println((inverse ? "un-shuffled" : "shuffled") + " x " + ShapeException.show(x.shape())
                + " with key " + key.fingerprint() + " (block " + key.blockSize() + ", " + order + ") into " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
