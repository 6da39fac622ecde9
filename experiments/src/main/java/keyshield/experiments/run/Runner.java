package keyshield.experiments.run;

import keyshield.experiments.report.ResultFiles;

import java.io.IOException;
import java.io.PrintStream;
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
    public record Outcome(Object result, String markdown) {}

    public static Outcome run(Experiment experiment, Path runDir, boolean resume, Path resultJson, PrintStream out) throws IOException {
        experiment.requireInputs();
        RunDir dir = RunDir.open(runDir, experiment, resume);
        Outcome o;
        if (experiment instanceof TableOne t) {
            TableOneRun.Result r = TableOneRun.run(t, dir, out);
            o = new Outcome(r, r.markdown());
        } else {
            throw new IllegalArgumentException("no runner for experiment " + experiment.getClass().getSimpleName());
        }
        ResultFiles.writeJson(resultJson, o.result());
        out.printf("%n%s%nresult written to %s (run directory %s)%n", o.markdown(), resultJson, runDir);
        return o;
    }

    /** Reads an experiment from a JSON file; a malformed one is an error naming the file and the problem. */
    public static Experiment read(Path file) throws IOException {
        try {
            return ResultFiles.JSON.readValue(file.toFile(), Experiment.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("experiment file " + file + " is not a valid experiment: " + e.getOriginalMessage(), e);
        }
    }
}
