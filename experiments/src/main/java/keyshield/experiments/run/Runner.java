package keyshield.experiments.run;

import keyshield.experiments.report.ResultFiles;
import keyshield.tensor.io.TextFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Executes an {@link Experiment}: checks its inputs before any work, opens (or, with {@code resume},
 * continues) its {@link RunDir}, runs it, writes the result record as JSON (atomically) and prints its
 * Markdown table. Every result record embeds the experiment and its {@link keyshield.experiments.report.Provenance}
 * (seeds, key fingerprints, library versions, git commit, wall time).
 */
public final class Runner {
    private Runner() {}

    /** What a run produced: the result record (as written to JSON) and its table. */
    public record Outcome(RunResult result, String markdown) {}

    /**
     * Runs {@code experiment} in {@code runDir} and writes its result to {@code resultJson}; an
     * {@link EpsSweep} also draws its plot beside it ({@link #plotFile}).
     */
    public static Outcome run(Experiment experiment, Path runDir, boolean resume, Path resultJson, PrintStream out) throws IOException {
        return run(experiment, runDir, resume, resultJson, out, 1);
    }

    /**
     * As above; {@code jobs} 2 lets a table-one run fine-tune each keyed model and its substitute side by
     * side, one core each ({@link SideBySide}); other experiments take only 1.
     */
    public static Outcome run(Experiment experiment, Path runDir, boolean resume, Path resultJson, PrintStream out, int jobs) throws IOException {
        if (jobs != 1 && !(experiment instanceof TableOne && jobs == 2))
            throw new IllegalArgumentException("--jobs " + jobs + ": a table-one experiment takes 1 or 2 jobs, "
                    + experiment.getClass().getSimpleName() + " experiments 1");
        experiment.requireInputs();
        RunDir dir = RunDir.open(runDir, experiment, resume);
        RunResult r;
        if (experiment instanceof TableOne t) r = TableOneRun.run(t, dir, out, jobs);
        else if (experiment instanceof Pretrain p) r = PretrainRun.run(p, dir, out);
        else if (experiment instanceof KeyedFinetune f) r = KeyedFinetuneRun.run(f, dir, out);
        else if (experiment instanceof RobustEval e) r = RobustEvalRun.run(e, dir, out);
        else if (experiment instanceof ParamTable t) r = ParamTableRun.run(t, dir);
        else if (experiment instanceof EpsSweep s) r = EpsSweepRun.run(s, dir, out, plotFile(resultJson));
        else if (experiment instanceof WaveletDefense w) r = WaveletDefenseRun.run(w, dir, out);
        else throw new IllegalArgumentException("no runner for experiment " + experiment.getClass().getSimpleName());
        ResultFiles.writeJson(resultJson, r);
        out.printf("%n%s%nresult written to %s (run directory %s)%n", r.markdown(), resultJson, runDir);
        return new Outcome(r, r.markdown());
    }

    /** The PNG beside a result file: {@code results/sweep.json} → {@code results/sweep.png}. */
    public static Path plotFile(Path resultJson) {
        String f = resultJson.getFileName().toString();
        return resultJson.resolveSibling((f.endsWith(".json") ? f.substring(0, f.length() - 5) : f) + ".png");
    }

    /** The largest experiment file read: every preset is a few KB, so a larger file is a mistake, not an experiment. */
    public static final int MAX_EXPERIMENT_BYTES = 1 << 20;

    /**
     * Reads an experiment from a JSON file; a malformed one is an error naming the file and the problem.
     * The file must be UTF-8 (RFC 8259 §8.1): it is decoded strictly before Jackson sees it, because
     * Jackson's own encoding detection would take a few zero bytes for UTF-32 and fail with a
     * {@code CharConversionException} that names no file.
     */
    public static Experiment read(Path file) throws IOException {
        String text = TextFiles.readUtf8(file, MAX_EXPERIMENT_BYTES, "experiment file");
        try {
            return ResultFiles.JSON.readValue(text, Experiment.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("experiment file " + file + " is not a valid experiment: " + e.getOriginalMessage(), e);
        }
    }
}
