package keyshield.experiments.cli;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import keyshield.experiments.report.ResultFiles;
import keyshield.experiments.run.Experiment;
import keyshield.experiments.run.Runner;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The options every experiment command shares (a picocli {@code @Mixin}): where the experiment comes
 * from, where it runs, whether to resume, where the result goes, and printing it instead of running it.
 * <pre>
 *   ./keyshield pretrain --preset fashionDemo --print-experiment &gt; pre.json   # edit it, then
 *   ./keyshield pretrain --experiment pre.json --run-dir results/pre.run
 *   ./keyshield pretrain --experiment pre.json --run-dir results/pre.run --resume   # after a kill
 * </pre>
 */
public final class RunOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec mixee;

    @Option(names = "--experiment", paramLabel = "FILE", description = "an experiment JSON file instead of a preset (see --print-experiment)")
    Path experiment;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "where stages, checkpoints and adversarial examples are kept (default results/<name>.run)")
    Path runDir;

    @Option(names = "--resume", description = "continue the run in --run-dir where it stopped (it must be the same experiment)")
    boolean resume;

    @Option(names = "--out", paramLabel = "FILE", description = "result JSON (default results/<name>.json)")
    Path out;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1",
            description = "table-one runs: 2 fine-tunes each keyed model and its substitute (and crafts their attacks) side by side, "
                    + "one core each, faster on 2 cores; keep the same value when resuming (default ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = "--print-experiment", description = "print the experiment as JSON and exit (edit it, then pass it with --experiment)")
    boolean print;

    /**
     * The experiment of {@code --experiment FILE}, which must be a {@code kind}, or else the preset the
     * command names ({@code preset} non-null); exactly one of the two must be given.
     */
    <E extends Experiment> E choose(Class<E> kind, Object preset, Supplier<E> fromPreset) throws IOException {
        if ((experiment == null) == (preset == null))
            throw new IllegalArgumentException("give either --preset NAME or --experiment FILE" + (experiment == null ? "" : ", not both"));
        if (preset != null) return fromPreset.get();
        Experiment e = Runner.read(experiment);
        if (!kind.isInstance(e))
            throw new IllegalArgumentException("experiment file " + experiment + " holds a " + kindName(e.getClass()) + " experiment, not a "
                    + kindName(kind) + " one; run it with ./keyshield table --experiment " + experiment);
        return kind.cast(e);
    }

    /** Prints the experiment ({@code --print-experiment}) or runs it; returns the exit code. */
    int execute(Experiment e) throws IOException {
        if (print) {
            PrintWriter o = mixee.commandLine().getOut();
            o.println(ResultFiles.JSON.writeValueAsString(e));
            o.flush();
            return 0;
        }
        Path dir = runDir != null ? runDir : Path.of("results", e.name() + ".run");
        Runner.run(e, dir, resume, out != null ? out : Path.of("results", e.name() + ".json"), System.out, jobs);
        return 0;
    }

    /** The name experiment JSON gives a kind ({@code "experiment": "pretrain"}). */
    private static String kindName(Class<?> kind) {
        for (JsonSubTypes.Type t : Experiment.class.getAnnotation(JsonSubTypes.class).value()) if (t.value().equals(kind)) return t.name();
        return kind.getSimpleName();
    }
}
