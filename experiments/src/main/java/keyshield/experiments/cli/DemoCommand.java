package keyshield.experiments.cli;

import keyshield.experiments.data.Dataset;
import keyshield.experiments.data.FashionMnist;
import keyshield.experiments.data.Split;
import keyshield.experiments.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyshield demo}: the main job at small scale (Fashion-MNIST, a small ViT), about ten minutes on 2 cores. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Pre-trains a small ViT on Fashion-MNIST (padded to 32x32, 3 channels), fine-tunes keyed copies",
                "(block-wise pixel shuffle, M = 4 and 8) and substitutes with guessed keys, attacks them with PGD",
                "(white-box, non-adaptive, adaptive) and prints a Table-I-shaped table."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", description = "Fashion-MNIST IDX folder (default: Debian's dataset-fashion-mnist, ${DEFAULT-VALUE})",
            defaultValue = "/usr/share/datasets/fashion-mnist")
    Path data;

    @Option(names = "--out", description = "result JSON (default ${DEFAULT-VALUE})", defaultValue = "results/demo.json")
    Path out;

    @Option(names = "--tiny", description = "a seconds-long run on a few hundred images (for tests)")
    boolean tiny;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(data))
            throw new java.io.FileNotFoundException("Fashion-MNIST not found at " + data + "; install Debian's package with "
                    + "'sudo apt-get install dataset-fashion-mnist' (./keyshield demo does this itself) or pass --data DIR");
        Dataset train = FashionMnist.load(data, Split.TRAIN, FashionMnist.Layout.RGB_32);
        Dataset test = FashionMnist.load(data, Split.TEST, FashionMnist.Layout.RGB_32);
        Demo.run(train, test, tiny ? Demo.Settings.tiny() : Demo.Settings.standard(), System.out, out);
        return 0;
    }
}
