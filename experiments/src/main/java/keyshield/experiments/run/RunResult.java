package keyshield.experiments.run;

import keyshield.experiments.report.Provenance;

/**
 * What every experiment's result record offers the {@link Runner}: the table it prints and where the
 * numbers came from. The record itself, with the experiment embedded, is what is written as JSON.
 */
public interface RunResult {
    /** The result as a GitHub-flavoured Markdown table. */
    String markdown();

    /** Code, machine, seeds, key fingerprints and wall time of the run. */
    Provenance provenance();
}
