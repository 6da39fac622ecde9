package keyshield.experiments.run;

import keyshield.experiments.report.MarkdownTable;
import keyshield.experiments.report.Provenance;
import keyshield.lora.ParameterCounts;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** Runs a {@link ParamTable}: one stage, {@code counts}, since the counts take no time (they come from the shapes). */
public final class ParamTableRun {
    private ParamTableRun() {}

    /** One row: total and trainable parameters and the trainable share in percent. */
    public record Counted(String label, long total, long trainable, double percent) {
        static Counted of(ParamTable.Row r) {
            ParameterCounts.Counts c = r.counts();
            return new Counted(r.label(), c.total(), c.trainable(), c.percent());
        }
    }

    /** The result file. */
    public record Result(ParamTable experiment, List<Counted> rows, String markdown, Provenance provenance) implements RunResult {}

    public static Result run(ParamTable t, RunDir dir) throws IOException {
        var clock = Provenance.start();
        List<Counted> rows = List.of(dir.stage("counts", Counted[].class, () -> t.rows().stream().map(Counted::of).toArray(Counted[]::new)));
        MarkdownTable table = new MarkdownTable("model", "#total", "#trainable", "#trainable %");
        for (Counted c : rows)
            table.row(c.label(), String.format(Locale.ROOT, "%,d", c.total()), String.format(Locale.ROOT, "%,d", c.trainable()),
                    MarkdownTable.pct(c.percent()));
        dir.book();
        return new Result(t, rows, table.toString(), clock.finish(List.of(), List.of()));
    }
}
