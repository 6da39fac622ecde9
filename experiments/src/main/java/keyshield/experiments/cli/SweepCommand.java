package keyshield.experiments.cli;

import keyshield.attacks.ThreatModel;
import keyshield.experiments.run.EpsSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keyshield sweep}: accuracy as the budget eps grows, one curve per model (Fig. 4), resumable. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Attacks each model white-box at every budget eps of a list (Fig. 4 of the paper) on the test images at",
                "positions 0, k, 2k, ..., and writes the result JSON, a Markdown table (models x eps) and a PNG line plot",
                "beside the JSON (results/<name>.png). Preset: cifarPlain (the plain CIFAR stand-in, PGD-10 with step eps/4,",
                "eps 0, 1, 2, 4, 8, 16 /255); add keyed models to the experiment JSON (see --print-experiment)."})
public final class SweepCommand implements Callable<Integer> {
    /** The named experiments. */
    public enum Preset { cifarPlain }

    @Option(names = "--preset", description = "${COMPLETION-CANDIDATES}") Preset preset;
    @Option(names = "--shared", paramLabel = "DIR", description = "folder with models/ and data/ (default: ../shared beside the repository)") Path shared;
    @Option(names = "--eps", split = ",", paramLabel = "EPS", description = "budgets, comma-separated, increasing, e.g. 0,2/255,8/255") List<String> eps;
    @Mixin AttackImageOptions images;
    @Mixin RunOptions run;

    @Override
    public Integer call() throws Exception {
        EpsSweep s = run.choose(EpsSweep.class, preset, () -> EpsSweep.cifarPlain(shared != null ? shared : SharedDir.locate()));
        return run.execute(images.applyTo(ExperimentPatch.of(EpsSweep.class, s))
                .set("/eps", eps == null ? null : eps.stream().map(ThreatModel::parseAmount).toList()).build());
    }
}
