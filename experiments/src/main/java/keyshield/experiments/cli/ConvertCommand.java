package keyshield.experiments.cli;

import keyshield.vit.weights.GoogleNpz;
import keyshield.vit.weights.Safetensors;
import keyshield.vit.weights.ViTWeights;
import keyshield.vit.weights.WeightFileException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code keyshield convert}: weights from .onnx, .safetensors or Google .npz into timm-named .safetensors (or Google .npz). */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Converts ViT weights between formats. The input may be .onnx (either export style), .safetensors",
                "(timm or Hugging Face names) or a Google .npz checkpoint; the output is timm-named .safetensors that timm loads",
                "with load_state_dict(strict=True), or a Google-layout .npz. The weights are verified by building the model."})
public final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "input weights")
    Path in;

    @Option(names = "--out", required = true, description = "output: .safetensors or .npz")
    Path out;

    @Option(names = "--heads", description = "attention heads (needed when the input does not show them, e.g. .safetensors)")
    Integer heads;

    @Override
    public Integer call() throws Exception {
        OptionalInt h = heads == null ? OptionalInt.empty() : OptionalInt.of(heads);
        var model = ViTWeights.load(in, h, org.nd4j.linalg.api.buffer.DataType.FLOAT);   // validates names, shapes, values
        var stateDict = model.stateDict();
        String name = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".safetensors")) Safetensors.write(out, stateDict, Map.of("format", "pt"));
        else if (name.endsWith(".npz")) GoogleNpz.write(out, stateDict, model.config().numHeads());
        else throw new WeightFileException(out, "unknown output format; expected .safetensors or .npz");
        System.out.printf("converted %s (%s, %,d parameters) to %s%n", in.getFileName(), describe(model.config()), model.parameterCount(), out);
        return 0;
    }

    private static String describe(keyshield.vit.ViTConfig c) {
        return "img " + c.imgSize() + ", patch " + c.patchSize() + ", dim " + c.embedDim() + ", depth " + c.depth() + ", heads " + c.numHeads()
                + ", " + c.numClasses() + " classes";
    }
}
